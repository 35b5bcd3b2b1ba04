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
