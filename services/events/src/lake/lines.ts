import { StringDecoder } from 'node:string_decoder';
import { LakeObjectUnreadableError } from './port';

/**
 * A line longer than this is not an event: a Firehose record is at most 1,000 KiB
 * (https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html), so such an object
 * was not written by our streams and reading on would only grow memory.
 */
export const MAX_LINE_CHARS = 2 * 1024 * 1024;

/**
 * The lines of a byte stream, decoded as UTF-8 and split on `\n` (a trailing `\r` is dropped), without
 * holding more than one chunk and one line at a time. Empty lines are skipped. Errors of the source (a
 * broken gzip stream, a dropped connection) are thrown to the reader.
 */
export async function* lines(source: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of source) {
    const text = pending + decoder.write(Buffer.from(chunk));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = trimCr(text.slice(start, nl));
      if (line.length > 0) yield line;
      start = nl + 1;
    }
    pending = text.slice(start);
    if (pending.length > MAX_LINE_CHARS) {
      throw new LakeObjectUnreadableError(`a line is longer than ${MAX_LINE_CHARS} characters`);
    }
  }
  const last = trimCr(pending + decoder.end());
  if (last.length > 0) yield last;
}

const trimCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
