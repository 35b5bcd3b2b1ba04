import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient, DynamoTenantStore } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { sesMailbox } from '../support/cloud';

jest.setTimeout(240_000);

interface MessageView {
  id: string;
  tenantId: string;
  status: string;
  from: unknown;
  to: unknown;
  subject: string;
  provider: string | null;
  providerMessageId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  events: { type: string; at: string; provider: string | null; data: unknown }[];
}

/**
 * The outbound HTTP API as a client sees it, through serverless-offline: POST /v1/messages and
 * /v1/attachments, the send queue's real trigger, the SES stand-in, and GET /v1/messages/{id}.
 */
describe('outbound HTTP API end to end (serverless-offline)', () => {
  let cloud: LocalCloud;
  let sendOnlyKey: string;
  const acmeKey = 'dev-acme-key';
  const globexKey = 'dev-globex-key';

  beforeAll(async () => {
    // The SES stand-in runs in this process: it verifies new identities a second after they are made.
    process.env.MAILROOM_SES_VERIFY_AFTER_SECONDS = '1';
    cloud = await startLocalCloud({
      ports: 'auto',
      services: ['outbound', 'api'],
      env: { ...process.env, MAILROOM_RETRY_BASE_SECONDS: '0.2', MAILROOM_RETRY_CAP_SECONDS: '1' },
    });
    const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    sendOnlyKey = (
      await new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!).createApiKey('acme', [
        'send',
      ])
    ).key;
    doc.destroy();
  });
  afterAll(async () => {
    delete process.env.MAILROOM_SES_VERIFY_AFTER_SECONDS;
    await cloud?.stop();
  });

  const outbound = (path: string) => `http://localhost:${cloud.ports.outbound}${path}`;
  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const post = (
    body: unknown,
    { key = acmeKey, idempotencyKey }: { key?: string; idempotencyKey?: string } = {},
  ) =>
    fetch(outbound('/v1/messages'), {
      method: 'POST',
      headers: {
        ...auth(key),
        'Content-Type': 'application/json',
        ...(idempotencyKey !== undefined && { 'Idempotency-Key': idempotencyKey }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (id: string, key = acmeKey) =>
    fetch(`http://localhost:${cloud.ports.api}/v1/messages/${id}`, { headers: auth(key) });
  const view = async (id: string) => {
    const res = await get(id);
    expect(res.status).toBe(200);
    return (await res.json()) as MessageView;
  };
  /** Polls GET /v1/messages/{id} until its status is one of `final`, or the bound runs out. */
  async function settle(id: string, final: string[], boundMs = 90_000): Promise<MessageView> {
    const deadline = Date.now() + boundMs;
    let last = await view(id);
    while (!final.includes(last.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      last = await view(id);
    }
    return last;
  }
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string; message: string } }).error;
  const unique = (label: string) => `${label} ${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const valid = (subject: string) => ({
    from: 'shop@acme.example',
    to: ['ana@example.com'],
    subject,
    text: 'Hello',
  });

  it('queues a mail with 202, sends it once through SES, and shows every field of its record', async () => {
    const subject = unique('happy path');
    const res = await post({ ...valid(subject), to: [{ email: 'ana@example.com', name: 'Ana' }] });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; status: string };
    expect(accepted).toEqual({ id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), status: 'queued' });

    const message = await settle(accepted.id, ['sent', 'failed', 'rejected']);
    expect(message).toEqual({
      id: accepted.id,
      tenantId: 'acme',
      status: 'sent',
      from: 'shop@acme.example',
      to: [{ email: 'ana@example.com', name: 'Ana' }],
      subject,
      provider: 'ses',
      providerMessageId: expect.any(String),
      attempts: 1,
      lastError: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      events: expect.any(Array),
    });
    expect(Date.parse(message.createdAt)).toBeLessThanOrEqual(Date.parse(message.updatedAt));
    expect(message.events.map((e) => e.type)).toEqual(['queued', 'sending', 'sent']);
    for (const event of message.events) {
      expect(Object.keys(event).sort()).toEqual(['at', 'data', 'provider', 'type']);
      expect(Number.isNaN(Date.parse(event.at))).toBe(false);
    }
    const ats = message.events.map((e) => Date.parse(e.at));
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
    expect(message.events.at(-1)?.provider).toBe('ses');

    const mailbox = await sesMailbox(cloud, subject);
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]?.messageId).toBe(message.providerMessageId);
    expect(mailbox[0]?.destination.to.join(',')).toContain('ana@example.com');

    // Reads are tenant-scoped and scope-checked.
    const foreign = await get(accepted.id, globexKey);
    expect(foreign.status).toBe(404);
    expect((await errorOf(foreign)).code).toBe('RESOURCE.NOT_FOUND');
    const unknown = await get('01J00000000000000000000000');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('RESOURCE.NOT_FOUND');
    const noRead = await get(accepted.id, sendOnlyKey);
    expect(noRead.status).toBe(403);
    expect((await errorOf(noRead)).code).toBe('AUTH.FORBIDDEN');
  });

  describe('refuses bad input with the contract error, storing and sending nothing', () => {
    const base = valid('bad input');
    const tooMany = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`);
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['missing to', () => post({ ...base, to: undefined }), 400, 'REQUEST.INVALID'],
      ['an invalid address', () => post({ ...base, to: ['not-an-address'] }), 400, 'REQUEST.INVALID'],
      [
        'CR/LF in the subject',
        () => post({ ...base, subject: 'bad input\r\nBcc: x@evil.example' }),
        400,
        'REQUEST.INVALID',
      ],
      [
        'CR/LF in a header value',
        () => post({ ...base, headers: { 'X-Ref': 'a\r\nBcc: x@evil.example' } }),
        400,
        'REQUEST.INVALID',
      ],
      [
        'a reserved header (Bcc)',
        () => post({ ...base, headers: { Bcc: 'x@evil.example' } }),
        400,
        'REQUEST.INVALID',
      ],
      ['51 recipients', () => post({ ...base, to: tooMany }), 400, 'REQUEST.INVALID'],
      ['neither text nor html', () => post({ ...base, text: undefined }), 400, 'REQUEST.INVALID'],
      ['broken JSON', () => post('{"from": '), 400, 'REQUEST.INVALID'],
      [
        'a body over 200 KiB',
        () => post({ ...base, text: 'x'.repeat(210 * 1024) }),
        413,
        'REQUEST.TOO_LARGE',
      ],
      ['an unknown API key', () => post(base, { key: 'no-such-key' }), 401, 'AUTH.UNAUTHORIZED'],
      [
        'a missing Authorization header',
        () =>
          fetch(outbound('/v1/messages'), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(base),
          }),
        401,
        'AUTH.UNAUTHORIZED',
      ],
      ['a key without the send scope', () => post(base, { key: readOnlyKey() }), 403, 'AUTH.FORBIDDEN'],
      [
        'an Idempotency-Key over 128 characters',
        () => post(base, { idempotencyKey: 'k'.repeat(129) }),
        400,
        'REQUEST.INVALID',
      ],
      [
        "another tenant's attachment key",
        () =>
          post({
            ...base,
            attachments: [
              {
                filename: 'a.pdf',
                contentType: 'application/pdf',
                key: 'globex/01J0000000000000000000000A/a.pdf',
              },
            ],
          }),
        400,
        'REQUEST.INVALID',
      ],
    ];

    let readOnly = '';
    const readOnlyKey = () => readOnly;
    beforeAll(async () => {
      const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
      readOnly = (
        await new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!).createApiKey('acme', [
          'read',
        ])
      ).key;
      doc.destroy();
    });

    it.each(cases)('%s', async (_name, request, status, code) => {
      const before = (await sesMailbox(cloud)).length;
      const res = await request();
      expect(res.status).toBe(status);
      expect((await errorOf(res)).code).toBe(code);
      // Nothing was stored for the tenant to read, and nothing reaches SES.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await sesMailbox(cloud, 'bad input')).toHaveLength(0);
      expect((await sesMailbox(cloud)).length).toBe(before);
    });

    it('none of the refused requests was sent, even after the queue had time to deliver it', async () => {
      // A sentinel accepted after the refusals: once it is sent, anything queued before it had its chance.
      const subject = unique('sentinel');
      const res = await post(valid(subject));
      const { id } = (await res.json()) as { id: string };
      expect((await settle(id, ['sent', 'failed'])).status).toBe('sent');
      expect(await sesMailbox(cloud, 'bad input')).toHaveLength(0);
      // And no message record was written for any of them.
      const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
      const recordsWith = async (prefix: string) =>
        (
          await doc.send(
            new ScanCommand({
              TableName: cloud.outputs.outbound.MessagesTableName,
              FilterExpression: 'begins_with(subject, :s)',
              ExpressionAttributeValues: { ':s': prefix },
            }),
          )
        ).Items ?? [];
      const [refused, sentinel] = [await recordsWith('bad input'), await recordsWith(subject)];
      doc.destroy();
      expect(refused).toHaveLength(0);
      expect(sentinel.length).toBeGreaterThan(0); // the scan does see message records
    });
  });

  it('answers the same id for the same Idempotency-Key and body, 409 for another body, per tenant', async () => {
    const key = unique('order').replace(/\s/g, '-');
    const mail = valid(unique('idempotent'));
    const first = await post(mail, { idempotencyKey: key });
    expect(first.status).toBe(202);
    const answer = (await first.json()) as { id: string; status: string };
    // Same content, other key order: still the same body.
    const reordered = { text: mail.text, subject: mail.subject, to: mail.to, from: mail.from };
    const again = await post(reordered, { idempotencyKey: key });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(answer);

    const conflict = await post({ ...mail, subject: `${mail.subject} changed` }, { idempotencyKey: key });
    expect(conflict.status).toBe(409);
    expect((await errorOf(conflict)).code).toBe('RESOURCE.CONFLICT');

    // Keys are per tenant: globex may use acme's key for its own mail.
    const globex = await post(
      { ...mail, from: 'shop@globex.example' },
      { key: globexKey, idempotencyKey: key },
    );
    expect(globex.status).toBe(202);
    const globexAnswer = (await globex.json()) as { id: string };
    expect(globexAnswer.id).not.toBe(answer.id);

    expect((await settle(answer.id, ['sent', 'failed'])).status).toBe('sent');
    const globexRead = await fetch(`http://localhost:${cloud.ports.api}/v1/messages/${globexAnswer.id}`, {
      headers: auth(globexKey),
    });
    expect(globexRead.status).toBe(200);
    // Both tenants' mails are sent, acme's once despite the repeat.
    const deadline = Date.now() + 90_000;
    let copies = await sesMailbox(cloud, mail.subject);
    while (copies.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      copies = await sesMailbox(cloud, mail.subject);
    }
    expect(copies).toHaveLength(2);
  });

  it('uploads an attachment through its presigned URL and sends it with the mail', async () => {
    const bytes = Buffer.from('%PDF-1.4\n% mailroom e2e attachment\n');
    const created = await fetch(outbound('/v1/attachments'), {
      method: 'POST',
      headers: { ...auth(acmeKey), 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: 'invoice.pdf', contentType: 'application/pdf', size: bytes.length }),
    });
    expect(created.status).toBe(201);
    const upload = (await created.json()) as { key: string; uploadUrl: string; expiresAt: string };
    expect(upload).toEqual({
      key: expect.stringMatching(/^acme\/[0-9A-Z]{26}\/invoice\.pdf$/),
      uploadUrl: expect.stringMatching(/^http/),
      expiresAt: expect.any(String),
    });
    expect(Date.parse(upload.expiresAt)).toBeGreaterThan(Date.now());

    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/pdf' },
      body: bytes,
    });
    expect(put.status).toBe(200);

    const subject = unique('with attachment');
    const res = await post({
      ...valid(subject),
      attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', key: upload.key }],
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await settle(id, ['sent', 'failed', 'rejected'])).status).toBe('sent');
    const [mail, ...more] = await sesMailbox(cloud, subject);
    expect(more).toHaveLength(0);
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['invoice.pdf']);

    for (const bad of [
      { filename: 'run.exe', contentType: 'application/octet-stream', size: 10 },
      { filename: 'empty.txt', contentType: 'text/plain', size: 0 },
    ]) {
      const refused = await fetch(outbound('/v1/attachments'), {
        method: 'POST',
        headers: { ...auth(acmeKey), 'Content-Type': 'application/json' },
        body: JSON.stringify(bad),
      });
      expect([refused.status, (await errorOf(refused)).code]).toEqual([400, 'REQUEST.INVALID']);
    }
  });

  it('fails a permanently rejected mail after one attempt, without retrying or sending it', async () => {
    const subject = unique('rejected');
    const res = await post({ ...valid(subject), to: ['x@reject.mailroom.test'] });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const message = await settle(id, ['failed', 'sent', 'rejected']);
    expect(message.status).toBe('failed');
    expect(message.attempts).toBe(1);
    expect(message.lastError).toEqual(expect.any(String));
    expect(message.events.map((e) => e.type)).not.toContain('retry_scheduled');
    expect(message.events.map((e) => e.type)).toEqual(['queued', 'sending', 'failed']);
    expect(await sesMailbox(cloud, subject)).toHaveLength(0);
  });

  /**
   * Sending domains as a tenant uses them: add a domain, read its DNS records, wait until the local SES
   * has "verified" it, then send from it (and not from a domain it does not hold).
   */
  describe('sending domains', () => {
    const domainAuth = { Authorization: 'Bearer dev-acme-key', 'Content-Type': 'application/json' };
    /** Polls `read` until `done` holds, or the bound runs out; answers the last value either way. */
    async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, boundMs = 60_000) {
      const deadline = Date.now() + boundMs;
      let last = await read();
      while (!done(last) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        last = await read();
      }
      return last;
    }
    const send = (from: string, subject: string) =>
      fetch(outbound('/v1/messages'), {
        method: 'POST',
        headers: domainAuth,
        body: JSON.stringify({ from, to: ['ana@example.com'], subject, text: 'Hello' }),
      });

    it('adds a domain, shows its DNS records, verifies it and sends from it', async () => {
      const domain = `mail${Date.now().toString(36)}.acme.test`;
      const added = await fetch(outbound('/v1/domains'), {
        method: 'POST',
        headers: domainAuth,
        body: JSON.stringify({ domain, mailFrom: `bounce.${domain}` }),
      });
      expect(added.status).toBe(201);
      const body = (await added.json()) as { status: string; records: { type: string; name: string }[] };
      expect(body.status).toBe('pending');
      expect(body.records.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT', 'TXT']);

      const refused = await send(`shop@${domain}`, 'too early');
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: 'SENDER.DOMAIN_NOT_VERIFIED' } });

      const read = async () =>
        (await (await fetch(outbound(`/v1/domains/${domain}`), { headers: domainAuth })).json()) as {
          status: string;
        };
      expect(await until(read, (d) => d.status === 'verified')).toMatchObject({ status: 'verified' });

      const subject = `from a new domain ${Date.now()}`;
      const accepted = await send(`shop@${domain}`, subject);
      expect(accepted.status).toBe(202);
      const { id } = (await accepted.json()) as { id: string };
      const message = await until(
        async () =>
          (await (
            await fetch(`http://localhost:${cloud.ports.api}/v1/messages/${id}`, { headers: domainAuth })
          ).json()) as { status: string },
        (m) => m.status === 'sent' || m.status === 'failed' || m.status === 'rejected',
        90_000,
      );
      expect(message.status).toBe('sent');
      expect(await sesMailbox(cloud, subject)).toHaveLength(1);

      const list = (await (await fetch(outbound('/v1/domains'), { headers: domainAuth })).json()) as {
        items: { domain: string }[];
        nextCursor: string | null;
      };
      expect(list.items.map((d) => d.domain)).toEqual(expect.arrayContaining(['acme.example', domain]));
    });

    it("refuses mail from another tenant's domain with 403, queuing nothing", async () => {
      const res = await send('billing@globex.example', 'as globex');
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'SENDER.DOMAIN_NOT_VERIFIED' } });
    });
  });
});
