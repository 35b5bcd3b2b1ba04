import { randomBytes } from 'node:crypto';
import { jsonWithFiles } from '../../src/providers/json-bytes';

/** Sizes around the encoder's 48 KiB chunks and each base64 remainder (0, 1, 2 bytes past a quantum). */
const SIZES = [0, 1, 2, 3, 4, 5, 3 * 16 * 1024 - 1, 3 * 16 * 1024, 3 * 16 * 1024 + 1, 200_003];

describe('jsonWithFiles (a JSON body with files written into it as base64)', () => {
  it.each(SIZES)('writes a %i-byte file as the base64 JSON.stringify would have carried', (size) => {
    const file = randomBytes(size);
    const body = {
      subject: 'Größe ✓ "quoted" \\ 日本',
      attachments: [{ content: 'ph-1', filename: 'a.bin' }],
    };
    const out = jsonWithFiles(body, new Map([['ph-1', file]]));
    const expected = JSON.stringify({
      ...body,
      attachments: [{ content: file.toString('base64'), filename: 'a.bin' }],
    });
    expect(out.equals(Buffer.from(expected, 'utf8'))).toBe(true);
  });

  it('writes several files, each in its own place, whatever order the map has them in', () => {
    const [a, b, c] = [randomBytes(70_001), randomBytes(5), randomBytes(100_000)];
    const body = {
      attachments: [
        { content: 'ph-a', filename: 'a' },
        { content: 'ph-b', filename: 'b' },
        { content: 'ph-c', filename: 'c' },
      ],
      text: 'after the files',
    };
    const files = new Map([
      ['ph-c', c],
      ['ph-a', a],
      ['ph-b', b],
    ]);
    const parsed = JSON.parse(jsonWithFiles(body, files).toString('utf8')) as typeof body;
    expect(parsed.attachments.map((x) => Buffer.from(x.content, 'base64'))).toEqual([a, b, c]);
    expect(parsed.text).toBe('after the files');
  });

  it('reads a file through a view at an offset of a larger buffer, and only its own bytes', () => {
    const whole = randomBytes(10_000);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 17, 4_099);
    const out = jsonWithFiles({ content: 'ph' }, new Map([['ph', view]]));
    expect(JSON.parse(out.toString('utf8'))).toEqual({ content: Buffer.from(view).toString('base64') });
  });

  it('leaves a body without files as JSON.stringify writes it', () => {
    const body = { content: 'no file here', n: 1 };
    expect(jsonWithFiles(body, new Map()).toString('utf8')).toBe(JSON.stringify(body));
  });

  it('refuses a placeholder the body does not carry, rather than send the mail without its file', () => {
    expect(() => jsonWithFiles({ content: 'other' }, new Map([['ph', Buffer.from('x')]]))).toThrow(
      /exactly once/,
    );
  });

  it('refuses a placeholder the body carries twice, rather than guess which is the file', () => {
    const body = { a: 'ph', b: 'ph' };
    expect(() => jsonWithFiles(body, new Map([['ph', Buffer.from('x')]]))).toThrow(/exactly once/);
  });

  it('does not take a placeholder that is only part of a longer string for the file', () => {
    const body = { subject: 'about ph-1 and more', content: 'ph-1' };
    const out = jsonWithFiles(body, new Map([['ph-1', Buffer.from('file')]]));
    expect(JSON.parse(out.toString('utf8'))).toEqual({
      subject: 'about ph-1 and more',
      content: Buffer.from('file').toString('base64'),
    });
  });
});
