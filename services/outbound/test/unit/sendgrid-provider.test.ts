import { randomBytes } from 'node:crypto';
import { classifyError, ProviderRejectedError } from '@mailroom/core';
import { startSendGridStandIn, type SendGridStandIn } from '@mailroom/local';
import { SendGridProvider } from '../../src/providers/sendgrid';
import { outgoing } from '../support/outgoing';

interface SentBody {
  subject: string;
  personalizations: Record<'to' | 'cc' | 'bcc', { email: string; name?: string }[] | undefined>[];
  categories?: string[];
  attachments?: Record<string, string>[];
}

describe('SendGrid provider (the request it builds, against the SendGrid stand-in)', () => {
  let sendgrid: SendGridStandIn;
  let provider: SendGridProvider;
  const sent = (subject: string) =>
    sendgrid.emails.map((e) => e.body as SentBody).filter((b) => b.subject === subject);

  beforeAll(async () => {
    sendgrid = await startSendGridStandIn({ port: 0 });
    provider = new SendGridProvider({ apiKey: 'SG.test', baseUrl: `http://127.0.0.1:${sendgrid.port}` });
  });
  afterAll(() => sendgrid.close());

  it('sends an address listed twice across to, cc and bcc once, where it is most visible', async () => {
    const mail = outgoing({
      to: [{ email: 'ana@example.com' }, { email: 'Bo@Example.com' }],
      cc: [{ email: 'bo@example.com' }, { email: 'cy@example.com' }],
      bcc: [{ email: 'ANA@example.com' }, { email: 'cy@example.com' }, { email: 'dee@example.com' }],
    });
    await expect(provider.send(mail)).resolves.toEqual({ providerMessageId: expect.any(String) });
    const [body] = sent(mail.subject);
    expect(body?.personalizations).toEqual([
      {
        to: [{ email: 'ana@example.com' }, { email: 'Bo@Example.com' }],
        cc: [{ email: 'cy@example.com' }],
        bcc: [{ email: 'dee@example.com' }],
      },
    ]);
  });

  it('sends every tag as a category and carries inline attachments with their content_id', async () => {
    const tags = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, `v${i}`]));
    const mail = outgoing({
      tags,
      html: '<img src="cid:logo@acme">',
      attachments: [
        {
          filename: 'logo.png',
          contentType: 'image/png',
          content: Buffer.from('png'),
          disposition: 'inline',
          contentId: 'logo@acme',
        },
        { filename: 'terms.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF') },
      ],
    });
    await provider.send(mail);
    const [body] = sent(mail.subject);
    expect(body?.categories).toEqual(Object.entries(tags).map(([k, v]) => `${k}:${v}`));
    expect(body?.attachments).toEqual([
      {
        filename: 'logo.png',
        type: 'image/png',
        content: Buffer.from('png').toString('base64'),
        disposition: 'inline',
        content_id: 'logo@acme',
      },
      {
        filename: 'terms.pdf',
        type: 'application/pdf',
        content: Buffer.from('%PDF').toString('base64'),
        disposition: 'attachment',
      },
    ]);
  });

  it('carries files of several chunks byte for byte, each in its own mail, when sent at once', async () => {
    const files = [randomBytes(300_001), randomBytes(150_002), randomBytes(1)];
    const mails = files.map((content, i) =>
      outgoing({
        subject: `files at once ${i} ✓ ${Math.random()}`,
        attachments: [{ filename: `f${i}.bin`, contentType: 'application/octet-stream', content }],
      }),
    );
    await Promise.all(mails.map((mail) => provider.send(mail)));
    mails.forEach((mail, i) => {
      const [body] = sent(mail.subject);
      expect(body?.attachments).toHaveLength(1);
      expect(Buffer.from(body!.attachments![0]!.content!, 'base64').equals(files[i]!)).toBe(true);
    });
  });

  it('forgets the files of a send once it is over, whether SendGrid answered or could not be reached', async () => {
    const inFlight = (p: SendGridProvider) => (p as unknown as { files: Map<string, Uint8Array> }).files;
    const file = { filename: 'f.bin', contentType: 'application/pdf', content: randomBytes(10) };
    await provider.send(outgoing({ attachments: [file] }));
    expect(inFlight(provider).size).toBe(0);
    // A port nothing listens on: closed right after it was found free.
    const closed = await startSendGridStandIn({ port: 0 });
    await closed.close();
    const unreachable = new SendGridProvider({
      apiKey: 'SG.test',
      baseUrl: `http://127.0.0.1:${closed.port}`,
    });
    await expect(unreachable.send(outgoing({ attachments: [file] }))).rejects.toThrow();
    expect(inFlight(unreachable).size).toBe(0);
  });

  it('sends both of two mails sent at once with one key on a fresh provider, and keeps one client', async () => {
    const fresh = new SendGridProvider({ apiKey: 'SG.test', baseUrl: `http://127.0.0.1:${sendgrid.port}` });
    const mails = [outgoing(), outgoing()];
    await Promise.all(mails.map((mail) => fresh.send(mail)));
    expect(mails.map((mail) => sent(mail.subject).length)).toEqual([1, 1]);
    expect((fresh as unknown as { services: Map<string, unknown> }).services.size).toBe(1);
  });

  it('sends a file through a view into a larger buffer as the bytes of the view only', async () => {
    const whole = randomBytes(4_096);
    const content = new Uint8Array(whole.buffer, whole.byteOffset + 100, 1_000);
    const mail = outgoing({ attachments: [{ filename: 'v.bin', contentType: 'application/pdf', content }] });
    await provider.send(mail);
    const [body] = sent(mail.subject);
    expect(body?.attachments?.[0]?.content).toBe(Buffer.from(content).toString('base64'));
  });

  it('refuses for good, without calling SendGrid, what SendGrid would drop: 11 tags, "," in a name', async () => {
    const before = sendgrid.emails.length;
    const elevenTags = outgoing({
      tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v'])),
    });
    const comma = outgoing({ to: [{ email: 'ana@example.com', name: 'Doe, Ana' }] });
    for (const mail of [elevenTags, comma]) {
      const error = await provider.send(mail).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderRejectedError);
      expect(classifyError(error).retryable).toBe(false);
    }
    expect(sendgrid.emails).toHaveLength(before);
  });
});
