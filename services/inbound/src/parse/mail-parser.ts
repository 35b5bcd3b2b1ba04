import { Transform, type TransformCallback } from 'node:stream';
import { MailParser, type HeaderLine, type SplitterNode } from 'mailparser';
import { decodeText } from './charset';
import { declaredCharset, transcodeHeaderLine } from './header-bytes';

/** Marks a text part's charset so that every text part, declared UTF-8 or none, reaches BodyDecoder. */
const CHARSET_MARK = 'x-mailroom-declared=';

const TEXT_TYPES = new Set(['text/plain', 'text/html']);

/**
 * A text part's body, decoded once it is whole (mailparser keeps text parts whole anyway: they go into
 * the result) with the same rules as headers (charset.ts). Attachments never pass through here.
 */
class BodyDecoder extends Transform {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly declared: string | undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    done(null, Buffer.from(decodeText(Buffer.concat(this.chunks), this.declared), 'utf8'));
  }
}

/**
 * mailparser's streaming parser with raw header bytes and text bodies decoded by Mailroom's charset rules
 * (docs/inbound-parsing.md). It overrides three of MailParser's methods (declared in vendor.d.ts):
 * - processHeaders: every part's header lines are transcoded from their raw bytes to UTF-8 first
 *   (header-bytes.ts), with the part's own declared charset;
 * - createNode: a text part's charset is marked so that mailparser hands even UTF-8 and undeclared
 *   bodies to getDecoder (it reads those as UTF-8 itself, turning latin1 bytes into U+FFFD);
 * - getDecoder: text bodies decode through BodyDecoder.
 */
export class RawHeaderMailParser extends MailParser {
  protected override processHeaders(lines: HeaderLine[]): Map<string, unknown> {
    const charset = declaredCharset(lines);
    return super.processHeaders(
      lines.map(({ key, line }) => ({ key, line: transcodeHeaderLine(line, charset) })),
    );
  }

  protected override createNode(node: SplitterNode): unknown {
    const type = node.contentType || (node.root ? 'text/plain' : '');
    if (TEXT_TYPES.has(type)) node.charset = CHARSET_MARK + (node.charset || '');
    return super.createNode(node);
  }

  protected override getDecoder(): { decodeStream(charset: string): Transform } {
    return {
      decodeStream: (charset: string) => {
        const declared = charset.startsWith(CHARSET_MARK) ? charset.slice(CHARSET_MARK.length) : charset;
        return new BodyDecoder(declared || undefined);
      },
    };
  }
}
