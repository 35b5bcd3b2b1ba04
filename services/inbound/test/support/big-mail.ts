import { Readable } from 'node:stream';

/**
 * A mail with one base64 attachment of `size` bytes, generated as it is read (never whole in memory).
 * The attachment's bytes are a repeating 3-byte-aligned pattern, so each base64 line is the same.
 */
export const bigMail = (size: number): Readable => {
  const LINE_BYTES = 57; // 76 base64 characters
  const pattern = Buffer.alloc(LINE_BYTES * 1024); // about 78 KiB of base64 per chunk
  for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 31) % 251;
  const head = Buffer.from(
    [
      'From: Sender <sender@example.com>',
      'To: inbound@in.acme.localhost',
      'Subject: big attachment',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="big"',
      '',
      '--big',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'see attached',
      '--big',
      'Content-Type: application/octet-stream; name="big.bin"',
      'Content-Disposition: attachment; filename="big.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      '',
    ].join('\r\n'),
  );
  return Readable.from(
    (function* () {
      yield head;
      for (let sent = 0; sent < size; sent += pattern.length) {
        const slice = pattern.subarray(0, Math.min(pattern.length, size - sent));
        yield Buffer.from(slice.toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n');
      }
      yield Buffer.from('--big--\r\n');
    })(),
  );
};
