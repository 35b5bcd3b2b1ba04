import { MessageRejected } from '@aws-sdk/client-sesv2';
import { newId, type SendQueueMessage } from '@mailroom/core';
import { InMemoryMessageStore, InMemoryRequestStore } from '@mailroom/core/testing';
import { sendMessage } from '../../src/send-message';
import { sweepUnsent } from '../../src/sweep-unsent';
import { queueMessage, record } from '../support/cloud';
import { Clock, twins, type Twins } from '../support/twins';

const rejected = () => new MessageRejected({ $metadata: { httpStatusCode: 400 }, message: 'no' });

/**
 * What the api's `POST /v1/messages/{id}/retry` does to the record before it puts the stored request on
 * the queue with `retryId`: a conditional move back to `queued` under a fresh attempt id.
 */
const retry = (messages: InMemoryMessageStore, message: SendQueueMessage, retryId = newId()) =>
  messages
    .transition(message.id, message.tenantId, {
      status: 'queued',
      retryId,
      onlyFrom: ['failed', 'dropped', 'deferred'],
      event: { type: 'retry_requested', provider: null, data: { retryId } },
    })
    .then((moved) => {
      if (!moved) throw new Error('not retryable');
      return { ...message, retryId };
    });

describe('a retried mail: a fresh attempt under its own lock (send use case, in-memory twins)', () => {
  let t: Twins;
  beforeEach(() => {
    t = twins();
  });

  it('sends a permanently failed mail again, with the same content, when its retry copy arrives', async () => {
    t.ses.next({ error: rejected() });
    const message = queueMessage({ cc: ['cc@example.com'], html: '<p>hi</p>' });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('failed');
    const copy = await retry(t.messages, message);

    await expect(sendMessage(record(copy), t.deps)).resolves.toBe('sent');
    expect(t.ses.sent).toHaveLength(1);
    expect(t.ses.sent[0]!.mail).toMatchObject({ messageId: message.id, subject: message.subject });
    await expect(t.messages.get(message.id)).resolves.toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('consumes a redelivered copy of the attempt a retry replaced, without sending', async () => {
    t.ses.next({ error: rejected() });
    const message = queueMessage();
    await sendMessage(record(message), t.deps);
    const copy = await retry(t.messages, message);

    // The first attempt's copy again (a redelivery or a DLQ redrive), before and after the retry's own.
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('duplicate');
    await expect(sendMessage(record(copy), t.deps)).resolves.toBe('sent');
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('duplicate');
    expect(t.ses.sent).toHaveLength(1);
  });

  // Failed on its last receive (retryable): the lock was released and the record went on to the DLQ.
  it('consumes a DLQ redrive of the attempt a retry replaced, though that attempt’s lock is free', async () => {
    t.ses.next({
      error: Object.assign(new Error('boom'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    });
    const message = queueMessage();
    await sendMessage(record(message, 10), t.deps).catch(() => undefined);
    await expect(t.messages.get(message.id)).resolves.toMatchObject({ status: 'failed' });
    const copy = await retry(t.messages, message);

    await expect(sendMessage(record(copy), t.deps)).resolves.toBe('sent');
    await expect(sendMessage(record(message, 1), t.deps)).resolves.toBe('duplicate');
    expect(t.ses.sent).toHaveLength(1);
  });

  it('consumes a copy of an earlier retry once a later retry has replaced it', async () => {
    t.ses.next({ error: rejected() });
    t.ses.next({ error: rejected() });
    const message = queueMessage();
    await sendMessage(record(message), t.deps);
    const first = await retry(t.messages, message);
    await expect(sendMessage(record(first), t.deps)).resolves.toBe('failed');
    const second = await retry(t.messages, message);

    await expect(sendMessage(record(first, 2), t.deps)).resolves.toBe('duplicate');
    await expect(sendMessage(record(second), t.deps)).resolves.toBe('sent');
    await expect(sendMessage(record(second, 2), t.deps)).resolves.toBe('duplicate');
    expect(t.ses.sent).toHaveLength(1);
  });
});

describe('the sweeper and a retried mail', () => {
  it('puts a stuck retried mail back on the queue with its current attempt id', async () => {
    const clock = new Clock();
    const messages = new InMemoryMessageStore(clock.date);
    const requests = new InMemoryRequestStore();
    const message = queueMessage();
    await requests.put(message);
    await messages.ensure({
      id: message.id,
      tenantId: message.tenantId,
      createdAt: clock.date().toISOString(),
      from: message.from,
      to: message.to,
      subject: message.subject,
      recipients: ['ana@example.com'],
    });
    await messages.transition(message.id, message.tenantId, {
      status: 'failed',
      event: { type: 'failed', provider: null, data: {} },
    });
    const { retryId } = await retry(messages, message);
    clock.advance(61 * 60_000);
    const enqueued: SendQueueMessage[] = [];
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    await sweepUnsent({
      messages,
      requests,
      enqueue: async (m) => void enqueued.push(m),
      logger: silent,
      gauge: () => undefined,
      now: clock.now,
      settings: { unsentAfterMinutes: 60 },
    });
    expect(enqueued).toEqual([{ ...message, retryId }]);
  });
});
