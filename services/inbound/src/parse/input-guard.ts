import { Transform, type TransformCallback } from 'node:stream';
import { MAX_MESSAGE_BYTES } from './constants';
import { EmptyMessageError, MessageTooLargeError, NotAMessageError } from './errors';

/** RFC 5322 §2.2 field name, or an mbox `From ` line as some stores keep in front. */
const FIRST_LINE = /^(?:[!-9;-~]+[ \t]*:|From )/;
/** A first line that long without a field name is not a header (RFC 5322 §2.1.1: 998 per line). */
const FIRST_LINE_PROBE = 1000;

/**
 * Checks the raw bytes on their way into the parser: not empty, not over MAX_MESSAGE_BYTES, and starting
 * with a header field, so that text, binary files or JSON fail as NOT_A_MESSAGE at once instead of being
 * read as one huge header.
 */
export class InputGuard extends Transform {
  bytes = 0;
  private head = '';
  private checked = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > MAX_MESSAGE_BYTES) {
      done(new MessageTooLargeError(`message is over ${MAX_MESSAGE_BYTES} bytes`));
      return;
    }
    if (!this.checked) {
      this.head += chunk.subarray(0, FIRST_LINE_PROBE).toString('latin1');
      const decided = this.head.length >= FIRST_LINE_PROBE || /[:\n]/.test(this.head);
      if (decided) {
        this.checked = true;
        if (!FIRST_LINE.test(this.head.replace(/^\xef\xbb\xbf/, ''))) {
          done(new NotAMessageError('the message does not start with a header field'));
          return;
        }
      }
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.bytes === 0) done(new EmptyMessageError('the message is empty'));
    else if (!this.checked && !FIRST_LINE.test(this.head)) done(new NotAMessageError('no header field'));
    else done();
  }
}
