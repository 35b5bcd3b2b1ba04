import { SESv2Client } from '@aws-sdk/client-sesv2';
import { startSesStandIn, type SesStandIn } from '@mailroom/local';
import { encodedWords, formatMailbox } from '../../src/providers/mailbox';
import { BufferPool } from '../../src/buffer-pool';
import { SesProvider } from '../../src/providers/ses';
import { outgoing } from '../support/outgoing';

interface StoredMail {
  subject: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  attachments: {
    filename: string;
    contentType: string;
    contentDisposition?: string;
    contentId?: string;
    content: string;
  }[];
}

/** RFC 2047 B encoded-words back to text (what a mail client shows). */
const decodeWords = (header: string) =>
  header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, b64: string) => `\u0000${b64}\u0000`)
    .split('\u0000')
    .map((part, i) => (i % 2 === 1 ? Buffer.from(part, 'base64').toString('utf8') : part))
    .join('');

describe('SES provider (the request it builds, against the SES stand-in)', () => {
  let ses: SesStandIn;
  let client: SESv2Client;
  let provider: SesProvider;
  const stored = async (subject: string) => {
    const { emails } = (await (await fetch(`http://127.0.0.1:${ses.port}/store`)).json()) as {
      emails: StoredMail[];
    };
    return emails.filter((e) => e.subject === subject);
  };

  beforeAll(async () => {
    ses = await startSesStandIn({ port: 0 });
    client = new SESv2Client({
      endpoint: `http://127.0.0.1:${ses.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    provider = new SesProvider(client);
  });
  afterAll(async () => {
    client.destroy();
    await ses.close();
  });

  it('tells the send budget when the request leaves: signed, just before the HTTP handler writes it', async () => {
    const order: string[] = [];
    const inner = client.config.requestHandler as unknown as {
      handle(request: { headers: Record<string, string> }, options?: unknown): Promise<unknown>;
    };
    const recording = new SESv2Client({
      endpoint: `http://127.0.0.1:${ses.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: (request: { headers: Record<string, string> }, options?: unknown) => {
          order.push(request.headers.authorization ? 'signed request handed to HTTP' : 'unsigned request');
          return inner.handle(request, options);
        },
      } as never,
    });
    try {
      await new SesProvider(recording).send(outgoing(), undefined, {
        leaving: () => void order.push('leaving'),
      });
      expect(order).toEqual(['leaving', 'signed request handed to HTTP']);
    } finally {
      recording.destroy();
    }
  });

  it('hands HTTP one body of bytes with the files written in, signed over them, and no base64 string of a file', async () => {
    const bodies: unknown[] = [];
    const inner = client.config.requestHandler as unknown as {
      handle(
        request: { body?: unknown; headers: Record<string, string> },
        options?: unknown,
      ): Promise<unknown>;
    };
    const recording = new SESv2Client({
      endpoint: `http://127.0.0.1:${ses.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        handle: (request: { body?: unknown; headers: Record<string, string> }, options?: unknown) => {
          bodies.push(request.body);
          expect(Number(request.headers['content-length'])).toBe(
            Buffer.isBuffer(request.body) ? request.body.length : Buffer.byteLength(String(request.body)),
          );
          return inner.handle(request, options);
        },
      } as never,
    });
    const file = Buffer.from('a file of its own 🗂');
    try {
      await new SesProvider(recording).send(
        outgoing({ attachments: [{ filename: 'f.txt', contentType: 'text/plain', content: file }] }),
      );
      await new SesProvider(recording).send(outgoing());
    } finally {
      recording.destroy();
    }
    const [withFile, without] = bodies;
    expect(Buffer.isBuffer(withFile)).toBe(true);
    const json = JSON.parse((withFile as Buffer).toString('utf8')) as {
      Content: { Simple: { Attachments: { RawContent: string }[] } };
    };
    expect(json.Content.Simple.Attachments[0]!.RawContent).toBe(file.toString('base64'));
    expect(Buffer.isBuffer(without)).toBe(false); // no files: the SDK's own body, untouched
  });

  it('writes non-ASCII display names as RFC 2047 encoded-words, which SES accepts', async () => {
    const mail = outgoing({
      from: { email: 'app@acme.example', name: 'Zoë from Café Ünïcode' },
      to: [{ email: 'taro@example.com', name: '山田 太郎' }],
      cc: [{ email: 'ana@example.com', name: 'Ana' }],
      bcc: [{ email: 'emoji@example.com', name: 'Team 🚀' }],
      replyTo: [{ email: 'help@acme.example', name: 'Hilfe für Kunden' }],
    });
    await expect(provider.send(mail)).resolves.toEqual({ providerMessageId: expect.any(String) });
    const [sent] = await stored(mail.subject);
    expect(sent?.from).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <app@acme\.example>$/);
    expect(decodeWords(sent!.from)).toBe('Zoë from Café Ünïcode <app@acme.example>');
    expect(decodeWords(sent!.destination.to[0]!)).toBe('山田 太郎 <taro@example.com>');
    expect(sent?.destination.cc).toEqual(['"Ana" <ana@example.com>']);
    expect(decodeWords(sent!.destination.bcc[0]!)).toBe('Team 🚀 <emoji@example.com>');
    expect(decodeWords(sent!.replyTo[0]!)).toBe('Hilfe für Kunden <help@acme.example>');
  });

  it('carries inline attachments with their Content-ID, for cid: images', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const mail = outgoing({
      html: '<p><img src="cid:logo@acme"></p>',
      attachments: [
        {
          filename: 'logo.png',
          contentType: 'image/png',
          content: png,
          disposition: 'inline',
          contentId: 'logo@acme',
        },
        { filename: 'terms.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF') },
      ],
    });
    await provider.send(mail);
    const [sent] = await stored(mail.subject);
    expect(sent?.attachments).toEqual([
      expect.objectContaining({ filename: 'logo.png', contentDisposition: 'INLINE', contentId: 'logo@acme' }),
      expect.objectContaining({ filename: 'terms.pdf', contentDisposition: 'ATTACHMENT' }),
    ]);
    expect(sent?.attachments[1]?.contentId).toBeUndefined();
  });

  it('delivers attachment bytes intact, large ones included (the body is built around them)', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 1, 0);
    for (let i = 0; i < big.length; i += 4099) big[i] = i % 251;
    const small = Buffer.from('%PDF-1.7 ü');
    const mail = outgoing({
      attachments: [
        { filename: 'big.bin', contentType: 'application/octet-stream', content: big },
        { filename: 'レポート.pdf', contentType: 'application/pdf', content: small },
      ],
    });
    await provider.send(mail);
    const [sent] = await stored(mail.subject);
    expect(sent?.attachments.map((a) => a.filename)).toEqual(['big.bin', 'レポート.pdf']);
    expect(Buffer.from(sent!.attachments[0]!.content, 'base64').equals(big)).toBe(true);
    expect(Buffer.from(sent!.attachments[1]!.content, 'base64').equals(small)).toBe(true);
  });

  it('gives the request body back to the pool once SES answered, and the next mail reuses it intact', async () => {
    const buffers = new BufferPool(64 * 1024 * 1024, 1024);
    const pooled = new SesProvider(client, { buffers });
    const file = (seed: number) => Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * seed) % 256));
    const first = outgoing({
      attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content: file(7) }],
    });
    await pooled.send(first);
    const kept = buffers.kept;
    expect(kept).toBeGreaterThan(40_000); // the body: 30,000 bytes as base64 and the rest of the request
    const second = outgoing({
      attachments: [{ filename: 'b.bin', contentType: 'application/octet-stream', content: file(13) }],
    });
    const taken = jest.spyOn(buffers, 'take');
    await pooled.send(second);
    expect(taken).toHaveBeenCalledTimes(1);
    expect(taken.mock.results[0]!.value.buffer.byteLength).toBe(kept); // the same memory, written over
    const [sent] = await stored(second.subject);
    expect(Buffer.from(sent!.attachments[0]!.content, 'base64').equals(file(13))).toBe(true);
  });

  it('leaves the body of a refused send to the garbage collector (the socket may still be reading it)', async () => {
    const refusing = await startSesStandIn({ port: 0, faults: { throttle: 1, '5xx': 0 } });
    const refused = new SESv2Client({
      endpoint: `http://127.0.0.1:${refusing.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    try {
      const buffers = new BufferPool(64 * 1024 * 1024, 1024);
      const give = jest.spyOn(buffers, 'give');
      const mail = outgoing({
        attachments: [
          { filename: 'a.bin', contentType: 'application/octet-stream', content: Buffer.alloc(30_000, 1) },
        ],
      });
      await expect(new SesProvider(refused, { buffers }).send(mail)).rejects.toThrow();
      expect(give).not.toHaveBeenCalled();
      expect(buffers.kept).toBe(0);
    } finally {
      refused.destroy();
      await refusing.close();
    }
  });
});

describe('formatMailbox', () => {
  it('quotes an ASCII name and leaves a bare address alone', () => {
    expect(formatMailbox({ email: 'a@example.com' })).toBe('a@example.com');
    expect(formatMailbox({ email: 'a@example.com', name: 'Doe, Ana' })).toBe('"Doe, Ana" <a@example.com>');
  });

  it('splits a long name into encoded-words of at most 75 characters, never inside a character', () => {
    const name = '🚀é'.repeat(40); // 6 UTF-8 bytes per pair: no word boundary falls on a pair boundary by luck
    const words = encodedWords(name).split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      expect(word.length).toBeLessThanOrEqual(75);
      const bytes = Buffer.from(word.slice('=?UTF-8?B?'.length, -2), 'base64');
      // Each word decodes on its own to whole characters (no U+FFFD from a split sequence).
      expect(bytes.toString('utf8')).not.toContain('\ufffd');
    }
    expect(decodeWords(encodedWords(name))).toBe(name);
  });
});
