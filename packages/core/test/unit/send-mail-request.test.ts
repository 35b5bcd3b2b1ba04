import {
  limits,
  SendMailRequestSchema,
  SendQueueMessageSchema,
  newId,
  validationErrorFromZod,
} from '../../src';

const valid = {
  from: { email: 'billing@acme.example', name: 'Acme Billing' },
  to: ['ana@example.com'],
  subject: 'Your invoice',
  text: 'Hello',
};

const issuesOf = (input: unknown) => {
  const result = SendMailRequestSchema.safeParse(input);
  if (result.success) throw new Error('expected the request to be refused');
  return result.error.issues;
};
const refuses = (input: unknown, path: string, message: RegExp) => {
  const details = validationErrorFromZod(
    (SendMailRequestSchema.safeParse(input) as { error: import('zod').ZodError }).error,
  ).details;
  expect(details).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
};
const addresses = (count: number) => Array.from({ length: count }, (_, i) => `r${i}@example.com`);

describe('SendMailRequestSchema', () => {
  it('accepts a minimal request and the full set of optional fields', () => {
    expect(SendMailRequestSchema.parse(valid)).toEqual(valid);
    const full = {
      ...valid,
      cc: [{ email: 'cc@example.com' }],
      bcc: ['audit@acme.example'],
      replyTo: 'support@acme.example',
      html: '<p>Hello</p>',
      headers: { 'X-Campaign': 'spring-2026', 'List-Unsubscribe': '<mailto:u@acme.example>' },
      attachments: [
        { filename: 'invoice.pdf', contentType: 'application/pdf', key: 'acme/01J/invoice.pdf' },
        {
          filename: 'logo.png',
          contentType: 'image/png',
          content: 'aGVsbG8=',
          disposition: 'inline',
          contentId: 'logo',
        },
      ],
      tags: { campaign: 'spring-2026', tier: 'gold' },
      metadata: { orderId: 42, nested: { ok: true, list: [1, 'a', null] } },
      provider: 'sendgrid',
    };
    expect(SendMailRequestSchema.parse(full)).toEqual(full);
  });

  it('accepts a replyTo list', () => {
    expect(
      SendMailRequestSchema.safeParse({ ...valid, replyTo: ['a@example.com', 'b@example.com'] }).success,
    ).toBe(true);
  });

  it('refuses a request without from, to or subject', () => {
    const paths = issuesOf({ text: 'x' }).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['from', 'to', 'subject']));
  });

  it('refuses an invalid recipient address, naming its path', () => {
    refuses({ ...valid, to: ['ana@example.com', 'not-an-address'] }, 'to[1]', /valid email/);
  });

  it('refuses an invalid address inside the object form', () => {
    refuses({ ...valid, cc: [{ email: 'nope', name: 'Nope' }] }, 'cc[0].email', /valid email/);
  });

  it('refuses an empty to list', () => {
    refuses({ ...valid, to: [] }, 'to', /.+/);
  });

  it('refuses 51 recipients in to', () => {
    refuses({ ...valid, to: addresses(51) }, 'to', /50/);
  });

  it('refuses 51 recipients spread over to, cc and bcc (SES counts them together)', () => {
    const all = addresses(51);
    refuses(
      { ...valid, to: all.slice(0, 20), cc: all.slice(20, 40), bcc: all.slice(40) },
      'to',
      /at most 50 recipients/,
    );
    expect(
      SendMailRequestSchema.safeParse({
        ...valid,
        to: all.slice(0, 20),
        cc: all.slice(20, 40),
        bcc: all.slice(40, 50),
      }).success,
    ).toBe(true);
  });

  it('refuses CR/LF in the subject', () => {
    refuses({ ...valid, subject: 'Hi\r\nBcc: victim@example.com' }, 'subject', /CR or LF/);
    refuses({ ...valid, subject: 'Hi\nthere' }, 'subject', /CR or LF/);
  });

  it('refuses a subject over 998 characters', () => {
    refuses({ ...valid, subject: 'x'.repeat(999) }, 'subject', /.+/);
    expect(SendMailRequestSchema.safeParse({ ...valid, subject: 'x'.repeat(998) }).success).toBe(true);
  });

  it('refuses CR/LF in a display name', () => {
    refuses(
      { ...valid, from: { email: 'a@example.com', name: 'Ana\r\nBcc: x@example.com' } },
      'from.name',
      /CR or LF/,
    );
  });

  it('refuses a display name that could break out of its quotes', () => {
    refuses(
      { ...valid, from: { email: 'a@example.com', name: 'Ana" <evil@example.com>' } },
      'from.name',
      /"/,
    );
    refuses({ ...valid, from: { email: 'a@example.com', name: 'Ana\\' } }, 'from.name', /\\/);
  });

  it('refuses a display name over 256 characters', () => {
    refuses({ ...valid, from: { email: 'a@example.com', name: 'n'.repeat(257) } }, 'from.name', /.+/);
  });

  it('refuses CR/LF smuggled into an email address', () => {
    refuses({ ...valid, to: ['ana@example.com\r\nBcc: x@example.com'] }, 'to[0]', /CR or LF/);
  });

  it('refuses a request with neither text nor html', () => {
    refuses({ ...valid, text: undefined }, 'text', /text or html is required/);
    refuses({ ...valid, text: '', html: '' }, 'text', /text or html is required/);
    expect(SendMailRequestSchema.safeParse({ ...valid, text: undefined, html: '<b>hi</b>' }).success).toBe(
      true,
    );
  });

  it('refuses unknown fields, naming each of them', () => {
    refuses({ ...valid, bodyText: 'x' }, 'bodyText', /unknown field/);
    refuses({ ...valid, from: { email: 'a@example.com', display: 'A' } }, 'from.display', /unknown field/);
    const issue = issuesOf({ ...valid, bodyText: 'x' }).find((i) => i.code === 'unrecognized_keys');
    expect(issue?.message).toBe('unknown field(s) in SendMailRequest: bodyText');
  });

  it('refuses CR/LF in a header value', () => {
    refuses({ ...valid, headers: { 'X-Ref': 'a\r\nBcc: victim@example.com' } }, 'headers.X-Ref', /CR or LF/);
  });

  it('refuses CR/LF, colons and spaces in a header name', () => {
    refuses({ ...valid, headers: { 'X-Ref\r\nBcc': 'a' } }, 'headers.X-Ref\r\nBcc', /CR or LF/);
    refuses({ ...valid, headers: { 'X-Ref:': 'a' } }, 'headers.X-Ref:', /field-name/);
    refuses({ ...valid, headers: { 'X Ref': 'a' } }, 'headers.X Ref', /field-name/);
  });

  it.each([
    'From',
    'to',
    'CC',
    'Bcc',
    'Subject',
    'Content-Type',
    'MIME-Version',
    'Reply-To',
    'X-SES-CONFIGURATION-SET',
  ])('refuses the Mailroom-controlled header %s', (name) => {
    refuses({ ...valid, headers: { [name]: 'x' } }, `headers.${name}`, /set by Mailroom/);
  });

  it('refuses non-ASCII header values (SES MessageHeader allows printable ASCII only)', () => {
    refuses({ ...valid, headers: { 'X-Note': 'café' } }, 'headers.X-Note', /printable ASCII/);
  });

  it('refuses more than 15 custom headers', () => {
    const headers = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`X-H${i}`, 'v']));
    refuses({ ...valid, headers }, 'headers', /at most 15/);
  });

  it('refuses tags that break SES MessageTag rules', () => {
    refuses({ ...valid, tags: { 'bad tag': 'x' } }, 'tags.bad tag', /tag name/);
    refuses({ ...valid, tags: { campaign: 'spring 2026' } }, 'tags.campaign', /tag value/);
    refuses({ ...valid, tags: { campaign: '' } }, 'tags.campaign', /tag value/);
    refuses({ ...valid, tags: { campaign: 'x'.repeat(257) } }, 'tags.campaign', /tag value/);
    refuses({ ...valid, tags: { mailroom_message_id: 'x' } }, 'tags.mailroom_message_id', /reserved/);
  });

  it('refuses an inline attachment whose content is not base64', () => {
    refuses(
      { ...valid, attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'not base64!' }] },
      'attachments[0].content',
      /base64/,
    );
  });

  it('refuses an attachment with both or neither of key and content', () => {
    const a = { filename: 'a.txt', contentType: 'text/plain' };
    refuses({ ...valid, attachments: [a] }, 'attachments[0].key', /key .* or content .* is required/);
    refuses(
      { ...valid, attachments: [{ ...a, key: 'k', content: 'aGk=' }] },
      'attachments[0].content',
      /not both/,
    );
  });

  it('requires a contentId for inline-disposition attachments', () => {
    const a = { filename: 'logo.png', contentType: 'image/png', content: 'aGk=', disposition: 'inline' };
    refuses({ ...valid, attachments: [a] }, 'attachments[0].contentId', /contentId is required/);
  });

  it('refuses file types SES will not send, and path tricks in filenames', () => {
    const a = { contentType: 'application/octet-stream', key: 'acme/01J/x' };
    refuses(
      { ...valid, attachments: [{ ...a, filename: 'setup.EXE' }] },
      'attachments[0].filename',
      /cannot be sent/,
    );
    refuses(
      { ...valid, attachments: [{ ...a, filename: '../etc/passwd' }] },
      'attachments[0].filename',
      /\//,
    );
    refuses(
      { ...valid, attachments: [{ ...a, key: 'acme/../globex/x', filename: 'x.pdf' }] },
      'attachments[0].key',
      /\.\./,
    );
  });

  it('refuses metadata that is not a JSON object or is too large', () => {
    refuses({ ...valid, metadata: ['a'] }, 'metadata', /.+/);
    refuses({ ...valid, metadata: { blob: 'x'.repeat(limits.MAX_METADATA_BYTES) } }, 'metadata', /at most/);
  });

  it('refuses an unknown provider', () => {
    refuses({ ...valid, provider: 'mailgun' }, 'provider', /.+/);
  });

  it('answers 413, not 400, when the request is too large to queue', () => {
    const big = { ...valid, html: 'x'.repeat(limits.MAX_QUEUE_BODY_BYTES) };
    const error = validationErrorFromZod(SendMailRequestSchema.safeParse(big).error!);
    expect(error.httpStatus).toBe(413);
    expect(error.details).toEqual([{ path: '', message: expect.stringMatching(/queue limit/) }]);
    expect(
      validationErrorFromZod(SendMailRequestSchema.safeParse({ ...valid, to: [] }).error!).httpStatus,
    ).toBe(400);
  });
});

describe('SendQueueMessageSchema', () => {
  const body = { ...valid, tenantId: 'acme', id: newId(), version: 1 };

  it('accepts the request plus tenantId, a ULID id and version 1 (and an optional idempotencyKey)', () => {
    expect(SendQueueMessageSchema.parse(body)).toEqual(body);
    expect(SendQueueMessageSchema.parse({ ...body, idempotencyKey: 'order-42' })).toMatchObject({
      idempotencyKey: 'order-42',
    });
  });

  it('refuses another version, a non-ULID id, a bad tenant id and unknown fields', () => {
    const paths = (input: unknown) => {
      const r = SendQueueMessageSchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.') || i.code);
    };
    expect(paths({ ...body, version: 2 })).toEqual(['version']);
    expect(paths({ ...body, id: 'msg-1' })).toEqual(['id']);
    expect(paths({ ...body, tenantId: 'Acme Inc' })).toEqual(['tenantId']);
    expect(paths({ ...body, extra: 1 })).toEqual(['unrecognized_keys']);
  });

  it('applies the request rules too (51 recipients)', () => {
    expect(SendQueueMessageSchema.safeParse({ ...body, to: addresses(51) }).success).toBe(false);
  });
});
