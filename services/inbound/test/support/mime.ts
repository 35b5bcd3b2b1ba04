import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseMessage, ParsedMessageSchema, type AttachmentMeta, type ParsedMessage } from '../../src/parse';

export const fixturePath = (name: string): string => join(__dirname, '..', 'fixtures', name);

export interface Received {
  meta: AttachmentMeta;
  bytes: number;
  /** The content, when the test asked to keep it. */
  content?: Buffer;
}

/** Parses with a sink that reads every attachment, counting (and optionally keeping) its bytes. */
export const parse = async (
  input: Buffer | string | Readable,
  options: { keep?: boolean } = {},
): Promise<{ message: ParsedMessage; received: Received[] }> => {
  const stream =
    input instanceof Readable
      ? input
      : typeof input === 'string'
        ? createReadStream(fixturePath(input))
        : Readable.from([input]);
  const received: Received[] = [];
  const message = await parseMessage(stream, async (meta, content) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of content as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (options.keep) chunks.push(chunk);
    }
    received.push({ meta, bytes, ...(options.keep ? { content: Buffer.concat(chunks) } : {}) });
  });
  // Every result must be what the stored JSON's schema accepts, and survive a JSON round trip.
  expect(ParsedMessageSchema.parse(JSON.parse(JSON.stringify(message)))).toEqual(message);
  return { message, received };
};

/** A message from header lines and a body, joined with CRLF; strings are taken as latin1 bytes. */
export const mail = (...parts: (string | Buffer)[]): Buffer =>
  Buffer.concat(
    parts.flatMap((p, i) => [
      i === 0 ? Buffer.alloc(0) : Buffer.from('\r\n'),
      typeof p === 'string' ? Buffer.from(p, 'latin1') : p,
    ]),
  );
