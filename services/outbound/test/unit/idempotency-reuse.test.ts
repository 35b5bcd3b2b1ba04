import type { SendMailRequest, SendQueueMessage } from '@mailroom/core';
import { acceptMessage, type AcceptDeps } from '../../src/accept-message';
import { sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

const DAY = 24 * 3600 * 1000;

/** Idempotency keys bind for 48 hours; the dedupe lock is on the message id and lives longer. */
describe('idempotency keys over time (in-memory twins, a clock the test moves)', () => {
  let t: Twins;
  let queue: SendQueueMessage[];
  let accept: AcceptDeps;
  beforeEach(() => {
    t = twins();
    queue = [];
    accept = {
      messages: t.messages,
      checkSender: async () => undefined,
      attachmentSize: async () => undefined,
      tenantProvider: async () => undefined,
      defaultProvider: 'ses',
      enqueue: async (m) => void queue.push(m),
      storeRequest: (m) => t.requests.put(m),
      now: t.clock.date,
    };
  });

  const request: SendMailRequest = {
    from: 'shop@acme.example',
    to: ['ana@example.com'],
    subject: 'Order 1042',
    text: 'Thanks',
  };
  /** Accepts over HTTP with the key, then runs the send function on what was enqueued. */
  const acceptAndSend = async (idempotencyKey: string) => {
    const answer = await acceptMessage({ tenantId: 'acme', request, idempotencyKey }, accept);
    for (const body of queue.splice(0)) await sendMessage(record(body), t.deps);
    return answer;
  };

  it('sends a key reused on day 3 as the new mail it is (the first claim expired after 48 h)', async () => {
    const first = await acceptAndSend('order-1042');
    t.clock.advance(3 * DAY);
    const second = await acceptAndSend('order-1042');

    expect(second.id).not.toBe(first.id);
    expect(second).toEqual({ id: expect.any(String), status: 'queued' });
    await expect(t.messages.get(second.id)).resolves.toMatchObject({ status: 'sent' });
    expect(t.ses.sent.map((s) => s.mail.messageId)).toEqual([first.id, second.id]);
  });

  it('answers the same key within 48 h with the first message, and sends it once', async () => {
    const first = await acceptAndSend('order-1043');
    t.clock.advance(DAY);
    const again = await acceptAndSend('order-1043');
    expect(again.id).toBe(first.id);
    expect(t.ses.sent).toHaveLength(1);
  });

  it('stores the full request before enqueueing it', async () => {
    const answer = await acceptMessage(
      { tenantId: 'acme', request: { ...request, cc: ['cc@example.com'], html: '<p>Thanks</p>' } },
      accept,
    );
    await expect(t.requests.get('acme', answer.id)).resolves.toEqual(queue[0]);
  });

  describe('records put straight on the queue', () => {
    it('sends two records with one key (and different ids) once, within the key’s 48 h', async () => {
      const a = queueMessage({ idempotencyKey: 'batch-7' });
      const b = { ...a, id: queueMessage().id };
      await expect(sendMessage(record(a), t.deps)).resolves.toBe('sent');
      await expect(sendMessage(record(b), t.deps)).resolves.toBe('duplicate');
      expect(t.ses.sent.map((s) => s.mail.messageId)).toEqual([a.id]);
      await expect(t.messages.get(b.id)).resolves.toBeUndefined();
    });

    it('shares the key → id mapping with the HTTP API', async () => {
      const { id } = await acceptMessage({ tenantId: 'acme', request, idempotencyKey: 'shared' }, accept);
      const direct = { ...queueMessage({ ...request, idempotencyKey: 'shared' }) };
      await expect(sendMessage(record(direct), t.deps)).resolves.toBe('duplicate');
      for (const body of queue.splice(0)) await sendMessage(record(body), t.deps);
      expect(t.ses.sent.map((s) => s.mail.messageId)).toEqual([id]);
    });

    it('rejects a record whose key another message holds with a different request, visibly', async () => {
      const a = queueMessage({ idempotencyKey: 'batch-8' });
      const b = { ...queueMessage({ idempotencyKey: 'batch-8' }), subject: 'something else' };
      await sendMessage(record(a), t.deps);
      await expect(sendMessage(record(b), t.deps)).resolves.toBe('rejected');
      await expect(t.messages.get(b.id)).resolves.toMatchObject({
        status: 'rejected',
        lastError: expect.stringMatching(/^REQUEST\.IDEMPOTENCY_CONFLICT: .*message /),
      });
      expect(t.ses.sent).toHaveLength(1);
    });

    it('sends a key reused on day 3 by a new record', async () => {
      const a = queueMessage({ idempotencyKey: 'batch-9' });
      await sendMessage(record(a), t.deps);
      t.clock.advance(3 * DAY);
      const b = { ...a, id: queueMessage().id };
      await expect(sendMessage(record(b), t.deps)).resolves.toBe('sent');
      expect(t.ses.sent.map((s) => s.mail.messageId)).toEqual([a.id, b.id]);
    });
  });
});
