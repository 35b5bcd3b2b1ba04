import { createPublicKey, verify } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { silentLogger, type Logger } from '../../src/logger';
import { listen, readBody, type RunningServer } from '../../src/standins/http';
import { startSendGridStandIn, type SendGridStandIn } from '../../src/standins/sendgrid';
import type { SendGridEvent } from '../../src/standins/sendgrid-events';
import { generateWebhookKeys, signBatch } from '../../src/standins/sendgrid-webhook';

interface Received {
  timestamp: string;
  signature: string;
  body: Buffer;
  verified: boolean;
}

/** Checks a request as the events webhook does: node:crypto, P-256 / SHA-256 over timestamp + raw body. */
const verifies = (publicKey: string, timestamp: string, body: Buffer, signature: string) =>
  verify(
    'sha256',
    Buffer.concat([Buffer.from(timestamp), body]),
    createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' }),
    Buffer.from(signature, 'base64'),
  );

describe('SendGrid stand-in Event Webhook', () => {
  const keys = generateWebhookKeys();
  let receiver: RunningServer;
  let sendgrid: SendGridStandIn;
  let received: Received[] = [];
  /** Statuses the receiver answers with, first to last; then 204. */
  let answers: number[] = [];
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };

  const mail = (to: string[], id = 'msg-1', extra: Record<string, unknown> = {}) => ({
    personalizations: [{ to: to.map((email) => ({ email })) }],
    from: { email: 'app@acme.example' },
    subject: 'Hello',
    content: [{ type: 'text/plain', value: 'Hi' }],
    custom_args: { mailroom_message_id: id },
    ...extra,
  });
  const send = async (body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${sendgrid.port}/v3/mail/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer SG.test' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    return res.headers.get('x-message-id')!;
  };
  /** The events of mail `messageId` the receiver accepted, once there are `count`, generous deadline. */
  const eventsOf = async (messageId: string, count: number): Promise<SendGridEvent[]> => {
    const until = Date.now() + 30_000;
    for (;;) {
      const found = sendgrid
        .webhook!.accepted.flat()
        .filter((e) => String(e.sg_message_id).startsWith(`${messageId}.`));
      if (found.length >= count) return found;
      if (Date.now() > until) throw new Error(`only ${found.length} of ${count} events for ${messageId}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    receiver = await listen(
      (req: IncomingMessage, res: ServerResponse) => {
        void readBody(req, 1024 * 1024).then((body) => {
          const timestamp = String(req.headers['x-twilio-email-event-webhook-timestamp'] ?? '');
          const signature = String(req.headers['x-twilio-email-event-webhook-signature'] ?? '');
          received.push({
            timestamp,
            signature,
            body,
            verified: verifies(keys.publicKey, timestamp, body, signature),
          });
          res.writeHead(answers.shift() ?? 204).end();
        });
      },
      0,
      '127.0.0.1',
    );
    sendgrid = await startSendGridStandIn({
      port: 0,
      knownKey: (key) => key === 'SG.test',
      webhook: {
        url: `http://127.0.0.1:${receiver.port}/webhooks/sendgrid`,
        keys,
        logger,
        retryDelaysMs: [20, 40],
        batchWindowMs: 20,
      },
    });
  });
  beforeEach(() => {
    received = [];
    answers = [];
  });
  afterAll(async () => {
    await sendgrid?.close();
    await receiver?.close();
  });

  it('posts processed and delivered for a mail, signed over timestamp + the exact body', async () => {
    const id = await send(mail(['Someone@Example.com']));
    const events = await eventsOf(id, 2);
    expect(events.map((e) => e.event)).toEqual(['processed', 'delivered']);
    for (const event of events) {
      expect(event).toEqual(
        expect.objectContaining({
          email: 'someone@example.com',
          timestamp: expect.any(Number),
          sg_event_id: expect.stringMatching(/^[\w-]{20,}$/),
          sg_message_id: expect.stringMatching(new RegExp(`^${id}\\.filterdrecv-`)),
          'smtp-id': expect.any(String),
          mailroom_message_id: 'msg-1',
        }),
      );
    }
    expect(new Set(events.map((e) => e.sg_event_id)).size).toBe(2);
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r.verified).toBe(true);
      expect(r.body.subarray(-2).toString()).toBe('\r\n');
      expect(Math.abs(Number(r.timestamp) - Date.now() / 1000)).toBeLessThan(600);
    }
    expect(Array.isArray(JSON.parse(received[0]!.body.toString()))).toBe(true);
  });

  it("tells the simulator addresses' fates as SendGrid would", async () => {
    const id = await send(
      mail([
        'bounce@simulator.amazonses.com',
        'suppressionlist@simulator.amazonses.com',
        'complaint@simulator.amazonses.com',
        'ooto@simulator.amazonses.com',
      ]),
    );
    const events = await eventsOf(id, 10);
    const byEmail = (email: string) => events.filter((e) => e.email === email).map((e) => e.event);
    expect(byEmail('bounce@simulator.amazonses.com')).toEqual(['processed', 'bounce']);
    expect(byEmail('suppressionlist@simulator.amazonses.com')).toEqual(['processed', 'dropped']);
    expect(byEmail('complaint@simulator.amazonses.com')).toEqual(['processed', 'delivered', 'spamreport']);
    expect(byEmail('ooto@simulator.amazonses.com')).toEqual(['processed', 'deferred', 'delivered']);
    expect(events.find((e) => e.event === 'bounce')).toEqual(
      expect.objectContaining({ type: 'bounce', status: '5.1.1', reason: expect.stringMatching(/^550 /) }),
    );
    expect(events.find((e) => e.event === 'dropped')).toEqual(
      expect.objectContaining({ reason: 'Bounced Address' }),
    );
    // One recipient, one receiving-server suffix: the four recipients' ids differ after the dot.
    expect(new Set(events.map((e) => e.sg_message_id)).size).toBe(4);
  });

  it("carries personalization custom args over the message's, and categories, but never over its own fields", async () => {
    const id = await send({
      ...mail(['a@example.com'], 'msg-outer', { categories: ['receipts'] }),
      personalizations: [
        { to: [{ email: 'a@example.com' }], custom_args: { mailroom_message_id: 'msg-inner', event: 'x' } },
      ],
    });
    const [processed] = await eventsOf(id, 2);
    expect(processed).toEqual(
      expect.objectContaining({
        event: 'processed',
        mailroom_message_id: 'msg-inner',
        category: ['receipts'],
      }),
    );
  });

  it('posts a batch again after a non-2xx answer, freshly signed, until it is taken', async () => {
    answers = [500, 503];
    const id = await send(mail(['someone@example.com'], 'msg-retry'));
    await eventsOf(id, 2);
    expect(received.map((r) => r.verified)).toEqual([true, true, true]);
    expect(new Set(received.map((r) => r.body.toString())).size).toBe(1);
  });

  it('gives a batch up after its tries and logs the events as lost', async () => {
    answers = [500, 500, 500];
    await send(mail(['someone@example.com'], 'msg-lost'));
    const until = Date.now() + 30_000;
    while (!warnings.some((w) => w.includes('webhook events lost')) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(warnings.find((w) => w.includes('webhook events lost'))).toMatch(/answered 500 3 times/);
    expect(received).toHaveLength(3);
  });

  it('signs as SendGrid does: a signature that verifies only with its timestamp and body', () => {
    const body = Buffer.from('[{"event":"processed"}]\r\n');
    const signature = signBatch(keys.privateKey, '1600112502', body);
    expect(verifies(keys.publicKey, '1600112502', body, signature)).toBe(true);
    expect(verifies(keys.publicKey, '1600112503', body, signature)).toBe(false);
    expect(verifies(keys.publicKey, '1600112502', Buffer.from('[{"event":"processed"}]'), signature)).toBe(
      false,
    );
    expect(verifies(generateWebhookKeys().publicKey, '1600112502', body, signature)).toBe(false);
  });

  it('posts nothing for mail it refuses', async () => {
    const res = await fetch(`http://127.0.0.1:${sendgrid.port}/v3/mail/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer SG.test' },
      body: JSON.stringify(mail(['x@reject.mailroom.test'], 'msg-refused')),
    });
    expect(res.status).toBe(400);
    // Events go out in order: once a later mail's are in, the refused one's would have been.
    const later = await send(mail(['someone@example.com'], 'msg-later'));
    await eventsOf(later, 2);
    expect(sendgrid.webhook!.accepted.flat().filter((e) => e.mailroom_message_id === 'msg-refused')).toEqual(
      [],
    );
  });
});
