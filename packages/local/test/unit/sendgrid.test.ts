import { createHash } from 'node:crypto';
import { startSendGridStandIn, type SendGridStandIn } from '../../src/standins/sendgrid';

const mail = (to: string) => ({
  personalizations: [{ to: [{ email: to }] }],
  from: { email: 'app@example.com' },
  subject: 'Hello',
  content: [{ type: 'text/plain', value: 'Hi' }],
  custom_args: { mailroom_message_id: 'msg-1' },
});

describe('SendGrid stand-in', () => {
  let sendgrid: SendGridStandIn;
  let draws: number[];
  const url = (path: string) => `http://127.0.0.1:${sendgrid.port}${path}`;
  const send = (body: unknown, key: string | null = 'SG.test') =>
    fetch(url('/v3/mail/send'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    sendgrid = await startSendGridStandIn({
      port: 0,
      knownKey: (key) => key === 'SG.test',
      faults: { throttle: 0.1, '5xx': 0.1 },
      random: () => draws.shift() ?? 0.99,
    });
  });
  beforeEach(async () => {
    draws = [];
    await fetch(url('/clear-store'), { method: 'POST' });
  });
  afterAll(() => sendgrid.close());

  it('accepts mail with 202, an empty body and an X-Message-Id, and keeps it at /store', async () => {
    const res = await send(mail('someone@example.com'));
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const id = res.headers.get('x-message-id');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const store = (await (await fetch(url('/store'))).json()) as {
      emails: Array<{ messageId: string; body: unknown }>;
    };
    expect(store.emails).toEqual([
      expect.objectContaining({ messageId: id, body: mail('someone@example.com') }),
    ]);
  });

  it('answers 401 with SendGrid errors when the key is missing or wrong', async () => {
    for (const key of [null, 'SG.other']) {
      const res = await send(mail('someone@example.com'), key);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        errors: [{ message: expect.any(String), field: null, help: null }],
      });
    }
  });

  it('answers 400 naming each missing field', async () => {
    const res = await send({ personalizations: [] });
    expect(res.status).toBe(400);
    const { errors } = (await res.json()) as { errors: Array<{ field: string }> };
    expect(errors.map((e) => e.field)).toEqual(['personalizations', 'from', 'subject', 'content']);
  });

  it('answers 400 for an invalid address and for malformed JSON', async () => {
    const bad = await send({ ...mail('x'), personalizations: [{ to: [{ email: 'not-an-address' }] }] });
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
      'personalizations.0.to.0.email',
    );
    const res = await fetch(url('/v3/mail/send'), {
      method: 'POST',
      headers: { authorization: 'Bearer SG.test' },
      body: '{',
    });
    expect(res.status).toBe(400);
  });

  it('rejects permanently any recipient at reject.mailroom.test and keeps nothing', async () => {
    const res = await send(mail('someone@reject.mailroom.test'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [
        expect.objectContaining({
          field: 'personalizations.0.to.0.email',
          message: expect.stringContaining('rejected'),
        }),
      ],
    });
    expect(sendgrid.emails).toHaveLength(0);
  });

  it('fails the injected share with 429 (rate-limit headers) or 500/503', async () => {
    draws = [0.05, 0.12, 0.18, 0.5];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(mail('someone@example.com'))).status);
    expect(statuses).toEqual([429, 500, 503, 202]);
    draws = [0.05];
    const throttled = await send(mail('someone@example.com'));
    expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await throttled.json()).toEqual({
      errors: [{ message: 'too many requests', field: null, help: null }],
    });
  });

  it('records the bounce and complaint simulator addresses imply', async () => {
    const res = await send({
      ...mail('bounce@simulator.amazonses.com'),
      personalizations: [
        {
          to: [{ email: 'bounce@simulator.amazonses.com' }],
          cc: [{ email: 'complaint@simulator.amazonses.com' }],
        },
      ],
    });
    const id = res.headers.get('x-message-id');
    const { events } = (await (await fetch(url('/simulator-events'))).json()) as { events: unknown[] };
    expect(events).toEqual([
      expect.objectContaining({
        provider: 'sendgrid',
        providerMessageId: id,
        recipient: 'bounce@simulator.amazonses.com',
        type: 'bounce',
      }),
      expect.objectContaining({ type: 'complaint', recipient: 'complaint@simulator.amazonses.com' }),
    ]);
  });

  describe('API keys', () => {
    const keys = (path: string, method: string, body?: unknown, key = 'SG.test') =>
      fetch(url(path), {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    const sha = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

    it('issues a key that sends mail, stored with its hash, until it is revoked', async () => {
      const created = await keys('/v3/api_keys', 'POST', { name: 'acme' });
      expect(created.status).toBe(201);
      const { api_key, api_key_id, name } = (await created.json()) as Record<string, string>;
      expect(api_key).toMatch(/^SG\.[\w-]{22}\.[\w-]{43}$/);
      expect(name).toBe('acme');

      expect((await send(mail('someone@example.com'), api_key)).status).toBe(202);
      const store = (await (await fetch(url('/store'))).json()) as { emails: { apiKeySha256: string }[] };
      expect(store.emails.map((e) => e.apiKeySha256)).toEqual([sha(api_key!)]);

      expect((await keys(`/v3/api_keys/${api_key_id}`, 'DELETE')).status).toBe(204);
      expect((await send(mail('someone@example.com'), api_key)).status).toBe(401);
      expect((await keys(`/v3/api_keys/${api_key_id}`, 'DELETE')).status).toBe(404);
    });

    it('refuses a key request without a name, with bad JSON or without a valid key', async () => {
      expect((await keys('/v3/api_keys', 'POST', {})).status).toBe(400);
      expect((await keys('/v3/api_keys', 'POST', { name: '' })).status).toBe(400);
      const broken = await fetch(url('/v3/api_keys'), {
        method: 'POST',
        headers: { authorization: 'Bearer SG.test' },
        body: '{not json',
      });
      expect(broken.status).toBe(400);
      expect((await keys('/v3/api_keys', 'POST', { name: 'x' }, 'SG.other')).status).toBe(401);
      expect((await keys('/v3/api_keys/unknown', 'DELETE', undefined, 'SG.other')).status).toBe(401);
    });
  });
});
