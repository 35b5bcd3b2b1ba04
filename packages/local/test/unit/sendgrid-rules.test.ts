import { startSendGridStandIn, type SendGridStandIn } from '../../src/standins/sendgrid';
import { mailRuleProblems } from '../../src/standins/sendgrid-rules';

const base = {
  personalizations: [{ to: [{ email: 'ana@example.com' }] }],
  from: { email: 'app@example.com' },
  subject: 'Hello',
  content: [{ type: 'text/plain', value: 'Hi' }],
};

describe('SendGrid stand-in: mail/send rules', () => {
  let sendgrid: SendGridStandIn;
  const send = (body: unknown) =>
    fetch(`http://127.0.0.1:${sendgrid.port}/v3/mail/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer SG.test' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const errorsOf = async (res: Response) =>
    ((await res.json()) as { errors: { message: string; field: string | null }[] }).errors;

  beforeAll(async () => {
    sendgrid = await startSendGridStandIn({ port: 0 });
  });
  beforeEach(() => fetch(`http://127.0.0.1:${sendgrid.port}/clear-store`, { method: 'POST' }));
  afterAll(() => sendgrid.close());

  it('refuses an address twice across to, cc and bcc (any case) with SendGrid’s 400, keeping nothing', async () => {
    const res = await send({
      ...base,
      personalizations: [
        {
          to: [{ email: 'ana@example.com' }],
          cc: [{ email: 'bo@example.com' }],
          bcc: [{ email: 'ANA@example.com' }],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(await errorsOf(res)).toEqual([
      expect.objectContaining({
        field: 'personalizations.0.bcc',
        message:
          'Each email address in the personalization block should be unique between to, cc, and bcc. We found the first duplicate instance of [ANA@example.com] in the personalizations.0.bcc field.',
      }),
    ]);
    expect(sendgrid.emails).toHaveLength(0);
  });

  it('refuses "," or ";" in a recipient name, but not in the from name', async () => {
    const res = await send({
      ...base,
      from: { email: 'app@example.com', name: 'Acme, Inc.' },
      personalizations: [
        {
          to: [{ email: 'ana@example.com', name: 'Doe, Ana' }],
          cc: [{ email: 'b@example.com', name: 'B; C' }],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect((await errorsOf(res)).map((e) => e.field)).toEqual([
      'personalizations.0.to.0.name',
      'personalizations.0.cc.0.name',
    ]);
  });

  it('refuses more than 10 categories, duplicates, and one over 255 characters', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `c${i}`);
    expect((await errorsOf(await send({ ...base, categories: eleven })))[0]?.field).toBe('categories');
    expect((await send({ ...base, categories: eleven.slice(0, 10) })).status).toBe(202);
    expect(mailRuleProblems({ ...base, categories: ['a', 'a'] }).map((e) => e.field)).toEqual(['categories']);
    expect(mailRuleProblems({ ...base, categories: ['x'.repeat(256)] }).map((e) => e.field)).toEqual([
      'categories.0',
    ]);
  });

  it('keeps inline attachments with their content_id, and refuses a bad disposition', async () => {
    const png = Buffer.from('png').toString('base64');
    const inline = {
      content: png,
      filename: 'logo.png',
      type: 'image/png',
      disposition: 'inline',
      content_id: 'logo',
    };
    expect((await send({ ...base, attachments: [inline] })).status).toBe(202);
    expect(sendgrid.emails[0]?.body).toMatchObject({ attachments: [inline] });
    const bad = await send({
      ...base,
      attachments: [{ ...inline, disposition: 'INLINE' }, { filename: 'x' }],
    });
    expect((await errorsOf(bad)).map((e) => e.field)).toEqual([
      'attachments.0.disposition',
      'attachments.1.content',
    ]);
  });

  it('refuses duplicate reply_to_list addresses and custom_args over 10,000 bytes', () => {
    expect(
      mailRuleProblems({
        ...base,
        reply_to_list: [{ email: 'a@example.com' }, { email: 'A@example.com' }],
      }).map((e) => e.field),
    ).toEqual(['reply_to_list']);
    expect(
      mailRuleProblems({ ...base, custom_args: { big: 'x'.repeat(10_000) } }).map((e) => e.field),
    ).toEqual(['custom_args']);
  });

  it('answers 413 for a mail over 30 MB (decimal), which the old 30 MiB limit let through', async () => {
    // Just over 30,000,000 bytes of JSON: under 30 MiB (31,457,280), so the old limit accepted it.
    const padding = 'A'.repeat(30_000_000 - JSON.stringify(base).length + 100);
    const res = await send({ ...base, attachments: [{ content: padding, filename: 'big.bin' }] });
    expect(res.status).toBe(413);
  });
});
