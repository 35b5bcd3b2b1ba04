import { TenantProviderKeyError } from '@mailroom/core';
import { RetryLaterError, sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

const lockOf = (t: Twins, id: string) =>
  t.lock.view().acquire({ tenantId: 'acme', idempotencyKey: id }, { leaseMs: 1, now: t.clock.now() });

/** After the provider accepted: recording it, and what happens when that cannot be done. */
describe('durability of the send path (in-memory twins that fail on demand)', () => {
  let t: Twins;
  beforeEach(() => {
    t = twins();
  });
  const stored = async (id: string) => (await t.messages.getWithEvents(id))!;

  it('retries recording `sent` through DynamoDB throttling, and sends once', async () => {
    t.messages.failNext(3, (change) => change.status === 'sent');
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    expect(t.messages.failures).toBe(3);
    expect(t.sleeps).toHaveLength(3);
    expect((await stored(message.id)).message).toMatchObject({ status: 'sent', providerMessageId: 'ses-1' });
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('duplicate');
    expect(t.ses.sent).toHaveLength(1);
  });

  it('gives up after its retry budget and keeps the lock: one duplicate after the lease, never more', async () => {
    t.messages.failNext(1_000, (change) => change.status === 'sent');
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).rejects.toThrow(/Throughput exceeds/);
    expect(t.ses.sent).toHaveLength(1);
    // Bounded: at most 10 attempts, within the 8 s retry budget (the sleeps move the clock).
    expect(t.messages.failures).toBeLessThanOrEqual(10);
    expect(t.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(8_000);
    expect(t.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/recording it failed/) }),
    );
    expect((await stored(message.id)).message.status).toBe('sending');
    await expect(lockOf(t, message.id)).resolves.toMatchObject({ state: 'in_progress' });

    t.messages.failNext(0, () => false); // DynamoDB is back
    await expect(sendMessage(record(message, 2), t.deps)).rejects.toBeInstanceOf(RetryLaterError);
    expect(t.ses.sent).toHaveLength(1);
    t.clock.advance(121_000);
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('sent');
    await expect(sendMessage(record(message, 4), t.deps)).resolves.toBe('duplicate');
    expect(t.ses.sent).toHaveLength(2);
  });

  it('records a mail the provider accepted without a message id as sent, and never sends it again', async () => {
    const { ProviderNoMessageIdError } = await import('@mailroom/core');
    t.ses.next({ error: new ProviderNoMessageIdError('SES accepted the mail but returned no MessageId') });
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    const { message: m, events } = await stored(message.id);
    expect(m).toMatchObject({
      status: 'sent',
      lastError: 'PROVIDER.NO_MESSAGE_ID: the provider accepted the mail but returned no message id',
    });
    expect(m.providerMessageId).toBeUndefined();
    expect(events.at(-1)).toMatchObject({
      type: 'sent',
      data: { providerMessageId: null, code: 'PROVIDER.NO_MESSAGE_ID' },
    });
    expect(t.counts).toContain('ProviderAcceptedWithoutId');
    await expect(sendMessage(record(message, 2), { ...t.deps, lock: t.lock.view() })).resolves.toBe(
      'duplicate',
    );
  });

  it('keeps the lock after a timeout (the provider may have the mail) and tries again only after the lease', async () => {
    t.ses.next({ error: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const message = queueMessage();
    const error = (await sendMessage(record(message), t.deps).catch((e: unknown) => e)) as RetryLaterError;
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error.delaySeconds).toBeGreaterThan(120); // the lease, not the 0–2 s backoff
    expect((await stored(message.id)).message.lastError).toBe(
      'PROVIDER.OUTCOME_UNKNOWN: the provider did not answer in time; the mail may have been sent (network ECONNRESET)',
    );
    await expect(lockOf(t, message.id)).resolves.toMatchObject({ state: 'in_progress' });
    // A copy of the record arriving meanwhile waits too.
    await expect(sendMessage(record(message, 2), { ...t.deps, lock: t.lock.view() })).rejects.toBeInstanceOf(
      RetryLaterError,
    );

    t.clock.advance(error.delaySeconds * 1000);
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('sent');
  });

  it('records a permanent failure through throttling, lock completed with it', async () => {
    t.tenants.set('acme', {
      keyError: new TenantProviderKeyError(
        'tenant acme: SSM parameter /mailroom/prod/tenants/acme/sendgrid-api-key does not exist',
      ),
    });
    t.messages.failNext(2, (change) => change.status === 'failed');
    const message = queueMessage({ provider: 'sendgrid' });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('failed');
    const { message: m } = await stored(message.id);
    expect(m.status).toBe('failed');
    expect(m.lastError).toMatch(/^TENANT\.PROVIDER_KEY: /);
    expect(m.lastError).not.toMatch(/\/mailroom/);
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('duplicate');
  });

  it('hands the lock back when even the failure cannot be recorded, so the redelivery need not wait', async () => {
    t.tenants.set('acme', { keyError: new TenantProviderKeyError('no key') });
    t.messages.failNext(1_000, (change) => change.status === 'failed');
    const message = queueMessage({ provider: 'sendgrid' });
    await expect(sendMessage(record(message), t.deps)).rejects.toThrow(/Throughput exceeds/);
    await expect(lockOf(t, message.id)).resolves.toMatchObject({ state: 'acquired' });
  });
});
