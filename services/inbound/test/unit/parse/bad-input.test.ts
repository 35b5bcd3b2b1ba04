import { Readable } from 'node:stream';
import { parseMessage } from '../../../src/parse';
import {
  EmptyMessageError,
  HeaderTooLargeError,
  MAX_HTML_TO_TEXT_LENGTH,
  MAX_MESSAGE_BYTES,
  MAX_MIME_PARTS,
  MessageTooLargeError,
  NotAMessageError,
  TooManyPartsError,
} from '../../../src/parse';
import { mail, parse } from '../../support/mime';

// Hostile and broken input: each case ends in a result or a typed error, never a crash or a hang.

const withAttachments = (count: number, name = (i: number) => `file-${i}.txt`) =>
  mail(
    'From: a@example.com',
    'Subject: many',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'body',
    ...Array.from({ length: count }, (_, i) => [
      '--b',
      `Content-Type: text/csv; name="${name(i)}"`,
      'Content-Disposition: attachment',
      '',
      `row,${i}`,
    ]).flat(),
    '--b--',
  );

const attachmentNamed = (disposition: string | Buffer) =>
  mail(
    'From: a@example.com',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: application/pdf',
    typeof disposition === 'string' ? `Content-Disposition: attachment; ${disposition}` : disposition,
    '',
    '%PDF-1.4',
    '--b--',
  );

describe('input that is not a message', () => {
  it('fails zero bytes as INBOUND.EMPTY', async () => {
    await expect(parse(Buffer.alloc(0))).rejects.toThrow(EmptyMessageError);
    await expect(parse(Buffer.alloc(0))).rejects.toMatchObject({ code: 'INBOUND.EMPTY', retryable: false });
  });

  it('fails plain text, a PNG and JSON as INBOUND.NOT_A_MESSAGE', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(2048)]);
    for (const input of [
      Buffer.from('Dear team,\nthe report is attached.\n'),
      png,
      Buffer.from('{"a": 1}\n'),
    ]) {
      await expect(parse(input)).rejects.toMatchObject({ code: 'INBOUND.NOT_A_MESSAGE' });
    }
  });

  it('fails a first line of a megabyte without a colon at once', async () => {
    await expect(parse(Buffer.alloc(1024 * 1024, 'a'))).rejects.toThrow(NotAMessageError);
  });

  it('parses a header block that never ends, as a message without a body', async () => {
    const { message } = await parse(Buffer.from('From: a@example.com\r\nSubject: only headers'));
    expect(message.subject).toBe('only headers');
    expect(message.text).toBeNull();
  });
});

describe('broken header values', () => {
  it('reads a Content-Type without a type and a Date out of range as absent', async () => {
    const raw = mail(
      'From: a@example.com',
      'Date: Sat, 1 Jan 20000 00:00:00 +0000',
      'Content-Type: ; report-type=x',
      '',
      'x',
    );
    const { message } = await parse(raw);
    expect(message.date).toBeNull();
    expect(message.report).toBeNull();
    expect(message.text).toBe('x');
  });
});

describe('broken structure', () => {
  it('keeps an attachment whose closing boundary never comes, up to the end of input', async () => {
    const content = Buffer.alloc(10_000, 7);
    const raw = mail(
      'From: a@example.com',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'cut short',
      '--b',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    );
    const { message, received } = await parse(raw, { keep: true });
    expect(message.text).toBe('cut short');
    expect(received[0]!.content!.equals(content)).toBe(true);
    expect(message.attachments[0]!.size).toBe(10_000);
  });

  it('fails a 1 MB header line as INBOUND.HEADER_TOO_LARGE, at the top or in a part', async () => {
    const line = `X-Junk: ${'a'.repeat(1024 * 1024)}`;
    await expect(parse(mail('From: a@example.com', line, '', 'x'))).rejects.toThrow(HeaderTooLargeError);
    const nested = mail(
      'From: a@example.com',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      line,
      '',
      'x',
      '--b--',
    );
    await expect(parse(nested)).rejects.toMatchObject({ code: 'INBOUND.HEADER_TOO_LARGE' });
  });

  it('parses a thousand attachments, streaming each to the sink in order', async () => {
    const { message, received } = await parse(withAttachments(1000));
    expect(message.text).toBe('body');
    expect(message.attachments).toHaveLength(1000);
    expect(received.map((r) => r.meta.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(message.attachments[999]).toMatchObject({
      filename: 'file-999.txt',
      contentType: 'text/csv',
      size: 7,
    });
  });

  it(`fails more than ${MAX_MIME_PARTS} parts as INBOUND.TOO_MANY_PARTS`, async () => {
    await expect(parse(withAttachments(MAX_MIME_PARTS))).rejects.toThrow(TooManyPartsError);
  });

  it(`fails input over ${MAX_MESSAGE_BYTES} bytes as INBOUND.TOO_LARGE without reading the rest`, async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'A');
    let produced = 0;
    const source = Readable.from(
      (function* () {
        yield Buffer.from(
          'From: a@example.com\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n',
        );
        for (; produced < 2 * (MAX_MESSAGE_BYTES / chunk.length); produced++) yield chunk;
      })(),
    );
    await expect(parseMessage(source, async (_meta, content) => void content.resume())).rejects.toThrow(
      MessageTooLargeError,
    );
    // Stopped at the limit, give or take what the streams buffer ahead.
    expect(produced * chunk.length).toBeLessThan(MAX_MESSAGE_BYTES + 20 * chunk.length);
  });
});

describe('html-only messages', () => {
  const htmlMail = (html: string) =>
    mail('From: a@example.com', 'Content-Type: text/html; charset=utf-8', '', html);

  it('gets its html as text', async () => {
    const { message } = await parse(htmlMail('<p>Hello <b>world</b></p><p>Bye</p>'));
    expect(message.html).toBe('<p>Hello <b>world</b></p><p>Bye</p>');
    expect(message.text).toBe('Hello world\n\nBye');
  });

  it(`keeps html over ${MAX_HTML_TO_TEXT_LENGTH} characters without converting it`, async () => {
    const html = `<div>${'<p>line</p>'.repeat(MAX_HTML_TO_TEXT_LENGTH / 10)}</div>`;
    const { message } = await parse(htmlMail(html));
    expect(message.html).toBe(html);
    expect(message.text).toBeNull();
  });
});

describe('hostile attachment names', () => {
  it('shows only the last path component of ../../etc/passwd and keeps the original', async () => {
    const { message, received } = await parse(attachmentNamed('filename="../../etc/passwd"'));
    expect(message.attachments[0]).toMatchObject({
      filename: 'passwd',
      originalFilename: '../../etc/passwd',
    });
    expect(received[0]!.meta.filename).toBe('passwd');
  });

  it('drops NUL bytes, raw or percent-encoded, from the display name', async () => {
    const raw = await parse(
      attachmentNamed(Buffer.from('Content-Disposition: attachment; filename="inv\0oice.pdf"', 'latin1')),
    );
    expect(raw.message.attachments[0]).toMatchObject({
      filename: 'invoice.pdf',
      originalFilename: 'inv\0oice.pdf',
    });
    const encoded = await parse(attachmentNamed("filename*=UTF-8''evil%00.pdf%00.exe"));
    expect(encoded.message.attachments[0]).toMatchObject({
      filename: 'evil.pdf.exe',
      originalFilename: 'evil\0.pdf\0.exe',
    });
  });

  it('removes direction overrides, Windows paths, device names and empty names', async () => {
    const cases: [string, string][] = [
      ["filename*=UTF-8''%E2%80%AEfdp.exe", 'fdp.exe'],
      ['filename="C:\\\\Windows\\\\System32\\\\evil.dll"', 'evil.dll'],
      ['filename="CON.txt"', '_CON.txt'],
      ['filename="a<b>c?.txt"', 'a_b_c_.txt'],
      ['filename=".."', 'attachment-1.pdf'],
      ['filename="  "', 'attachment-1.pdf'],
      [`filename="${'x'.repeat(300)}.pdf"`, `${'x'.repeat(196)}.pdf`],
    ];
    for (const [disposition, expected] of cases) {
      const { message } = await parse(attachmentNamed(disposition));
      expect(message.attachments[0]!.filename).toBe(expected);
    }
  });
});

describe('the sink', () => {
  it('stops the parse and rejects with the sink\u2019s own error', async () => {
    const failure = new Error('S3 is down');
    const raw = withAttachments(3);
    let calls = 0;
    const result = parseMessage(Readable.from([raw]), async (_meta, content) => {
      calls++;
      content.resume();
      throw failure;
    });
    await expect(result).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('drains what a sink leaves unread and still counts it', async () => {
    const raw = withAttachments(3);
    const message = await parseMessage(Readable.from([raw]), async () => undefined);
    expect(message.attachments.map((a) => a.size)).toEqual([5, 5, 5]);
  });

  it('gives back a failure to read the input as it is, not as a parse error', async () => {
    const failure = new Error('socket hang up');
    const source = new Readable({ read() {} });
    source.push('From: a@example.com\r\nContent-Type: application/octet-stream\r\n\r\nAAAA');
    setImmediate(() => source.destroy(failure));
    await expect(parseMessage(source, async (_meta, content) => void content.resume())).rejects.toBe(failure);
  });
});
