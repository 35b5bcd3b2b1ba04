import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import {
  idTime,
  RateLimitedError,
  toHttpError,
  type SendMailRequest,
  type SendQueueMessage,
} from '@mailroom/core';
import { InMemoryMessageStore, InMemoryTenantStore } from '@mailroom/core/testing';
import { acceptMessage, type AcceptDeps } from '../../src/accept-message';
import { acceptShare, GIVE_WAY_MS, TenantShare } from '../../src/rate/tenant-share';
import { RetryLaterError, sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { InMemoryTenantShareStore, twins, type Twins } from '../support/twins';

/** Account budget 20/s: a tenant without a sendRate gets half, 10 recipients/s (100 ms each). */
const shareOf = (store = new InMemoryTenantShareStore()) =>
  new TenantShare(store, {
    accountRate: async (provider) => (provider === 'ses' ? 20 : 100),
    defaultShare: 0.5,
    acceptBurstMs: 1000,
    toleranceMs: 1000,
    lateMs: 2000,
  });

describe('tenant share at accept (POST /v1/messages)', () => {
  let messages: InMemoryMessageStore;
  let tenants: InMemoryTenantStore;
  let queued: { message: SendQueueMessage; delaySeconds: number | undefined }[];
  let clock: number;
  let share: ReturnType<typeof acceptShare>;

  beforeEach(async () => {
    share = acceptShare(shareOf(), (id) => tenants.getTenant(id));
    messages = new InMemoryMessageStore();
    tenants = new InMemoryTenantStore();
    queued = [];
    created = 0;
    clock = Date.parse('2026-03-01T00:00:00Z');
    await tenants.createTenant('acme');
    await tenants.createTenant('slow', { sendRate: 2 });
    await tenants.createTenant('own', { provider: 'sendgrid', sendgridKey: 'tenant' });
  });

  let created = 0;
  const deps = (): AcceptDeps => ({
    messages: Object.assign(Object.create(messages) as InMemoryMessageStore, {
      create: (...args: Parameters<InMemoryMessageStore['create']>) => (
        (created += 1),
        messages.create(...args)
      ),
    }),
    enqueue: async (message, delaySeconds) => void queued.push({ message, delaySeconds }),
    storeRequest: async () => undefined,
    checkSender: async () => undefined,
    attachmentSize: async () => undefined,
    tenantProvider: async (tenantId) => (await tenants.getTenant(tenantId))?.provider,
    defaultProvider: 'ses',
    tenantShare: share,
    now: () => new Date(clock),
  });
  const request = (to: string[] = ['ana@example.com']): SendMailRequest => ({
    from: 'app@example.com',
    to,
    subject: 'Hi',
    text: 'Hello',
  });
  const accept = (tenantId: string, to?: string[]) =>
    acceptMessage({ tenantId, request: request(to) }, deps());

  it('answers 429 with Retry-After to a tenant over its own sendRate, and records and queues nothing', async () => {
    // 2 recipients/s, 1 s of burst: slots at 0, 500 and 1000 ms are taken, the fourth would be at 1500.
    for (let i = 0; i < 3; i += 1) await accept('slow');
    const refused = await accept('slow').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(toHttpError(refused)).toEqual({
      statusCode: 429,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'REQUEST.RATE_LIMITED', message: expect.stringMatching(/send rate/) } },
    });
    expect(queued).toHaveLength(3);
    expect(created).toBe(3);
    // Retry-After is honest: after it, the same request is accepted.
    clock += 1000;
    await expect(accept('slow')).resolves.toMatchObject({ status: 'queued' });
  });

  it('counts recipients: a mail to 4 addresses books 2 s of a 2/s tenant', async () => {
    await accept('slow', ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
    const refused = (await accept('slow').catch((e: unknown) => e)) as RateLimitedError;
    expect(refused.retryAfterSeconds).toBe(1);
    clock += 999;
    await expect(accept('slow').catch((e: unknown) => e)).resolves.toBeInstanceOf(RateLimitedError);
    clock += 1;
    await expect(accept('slow')).resolves.toMatchObject({ status: 'queued' });
  });

  it('never refuses a tenant without a sendRate, but spreads its burst over the queue at its share', async () => {
    for (let i = 0; i < 25; i += 1) await accept('acme');
    // 10/s: mail i has its slot at i × 100 ms; within a second it goes at once, later ones wait on the queue.
    expect(queued.map((q) => q.delaySeconds)).toEqual([
      ...Array(11).fill(0),
      ...Array(10).fill(2),
      ...Array(4).fill(3),
    ]);
    expect(queued.map((q) => q.message.shareSlotAt! - clock)).toEqual(
      Array.from({ length: 25 }, (_, i) => i * 100),
    );
  });

  it('leaves a tenant on its own SendGrid account alone', async () => {
    for (let i = 0; i < 30; i += 1) await accept('own');
    expect(queued.every((q) => q.delaySeconds === undefined && q.message.shareSlotAt === undefined)).toBe(
      true,
    );
  });

  it('caps the wait at SQS’s 900 s; the send side waits the rest', async () => {
    const store = new InMemoryTenantShareStore();
    store.tat.set('acme', clock + 2_000_000);
    const placement = await shareOf(store).admit({ tenantId: 'acme' }, 'ses', 1, clock);
    expect(placement).toEqual({ shareSlotAt: clock + 2_000_000, delaySeconds: 900 });
  });
});

describe('tenant share at send (in-memory twins, virtual clock)', () => {
  let t: Twins;
  let store: InMemoryTenantShareStore;
  let requeued: { message: SendQueueMessage; delaySeconds: number }[];

  beforeEach(() => {
    t = twins();
    store = new InMemoryTenantShareStore();
    requeued = [];
    t.deps.tenantShare = {
      share: shareOf(store),
      requeue: async (message, delaySeconds) => void requeued.push({ message, delaySeconds }),
    };
  });

  it('sends a record within its tenant’s share', async () => {
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    expect(requeued).toEqual([]);
  });

  it('puts a record over its tenant’s share back as a delayed copy holding its slot, without using an attempt', async () => {
    store.tat.set('acme', t.clock.ms + 5_000); // acme has 5 s of mail ahead of it
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('deferred');
    expect(requeued).toEqual([{ message: { ...message, shareSlotAt: t.clock.ms + 5_000 }, delaySeconds: 5 }]);
    expect(t.ses.sent).toHaveLength(0);
    expect(t.delays).toEqual([]); // consumed, not made visible again: no receive used
    expect(await t.messages.get(message.id)).toBeUndefined(); // nothing recorded yet either

    // The copy comes back at its slot and is sent on its first receive, without booking again.
    t.clock.advance(5_000);
    const tatBefore = store.tat.get('acme');
    await expect(sendMessage(record(requeued[0]!.message), t.deps)).resolves.toBe('sent');
    expect(store.tat.get('acme')).toBe(tatBefore);
    expect(await t.messages.get(message.id)).toMatchObject({ status: 'sent', attempts: 1 });
    // What is stored is the request, without the share's fields.
    await expect(t.requests.get('acme', message.id)).resolves.toEqual(message);
  });

  it('books again for a record whose slot passed long ago, so a tenant that fell behind cannot catch up above its share', async () => {
    store.tat.set('acme', t.clock.ms + 5_000);
    const late = { ...queueMessage(), shareSlotAt: t.clock.ms - 2_001 };
    await expect(sendMessage(record(late), t.deps)).resolves.toBe('deferred');
    expect(requeued[0]).toMatchObject({ message: { shareSlotAt: t.clock.ms + 5_000 }, delaySeconds: 5 });
    // Two seconds late is still its own slot.
    const onTime = { ...queueMessage(), shareSlotAt: t.clock.ms - 2_000 };
    await expect(sendMessage(record(onTime), t.deps)).resolves.toBe('sent');
  });

  it('keeps a slot further than 900 s out across several hops', async () => {
    const message = { ...queueMessage(), shareSlotAt: t.clock.ms + 1_000_000 };
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('deferred');
    expect(requeued[0]).toEqual({ message, delaySeconds: 900 });
  });

  /** Records of one batch arrive together: each waits for its own slot, the clock stays where it is. */
  const concurrently = () => {
    const waits: number[] = [];
    t.deps.sleep = async (ms) => void waits.push(ms);
    return waits;
  };

  it('waits in the function for a slot less than the tolerance away, then books the account budget', async () => {
    store.tat.set('acme', t.clock.ms + 400);
    const booked: number[] = [];
    const sleeps: number[] = [];
    t.deps.sleep = async (ms) => {
      sleeps.push(ms);
      t.clock.advance(ms);
    };
    t.deps.budgets = {
      ses: {
        reserve: async () => (
          booked.push(t.clock.ms),
          { at: t.clock.ms, wait: async () => undefined, leaving: () => undefined }
        ),
      },
    };
    const start = t.clock.ms;
    await expect(sendMessage(record(queueMessage()), t.deps)).resolves.toBe('sent');
    expect(sleeps[0]).toBe(400);
    expect(booked).toEqual([start + 400]); // not before its own slot
    expect(requeued).toEqual([]);
  });

  it('does not starve another tenant: B goes out while A waits for its share', async () => {
    const waits = concurrently();
    for (let i = 0; i < 50; i += 1) {
      const outcome = await sendMessage(record(queueMessage({ subject: `a${i}` })), t.deps);
      expect(outcome).toBe(i <= 10 ? 'sent' : 'deferred'); // 10/s, 1 s of tolerance
    }
    const b = queueMessage({ tenantId: 'globex', from: 'app@globex.example', subject: 'b' });
    await expect(sendMessage(record(b), t.deps)).resolves.toBe('sent');
    expect(t.ses.subjects()).toContain('b');
    // A's mails sent now each waited for its own slot, 100 ms apart; B, within its share, did not wait.
    expect(waits).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    // A's copies are spread at its share: one second of them per second.
    expect(requeued.map((r) => r.delaySeconds)).toEqual([
      ...Array(10).fill(2),
      ...Array(10).fill(3),
      ...Array(10).fill(4),
      ...Array(9).fill(5),
    ]);
  });

  it('lets the mail of a tenant with a backlog give way at the account budget, and only that mail', async () => {
    const asked: (number | undefined)[] = [];
    t.deps.budgets = {
      ses: {
        reserve: async (_units, options) => (
          asked.push(options?.yieldUntil),
          { at: t.clock.ms, wait: async () => undefined, leaving: () => undefined }
        ),
      },
    };
    const a = queueMessage({ subject: 'a' });
    const acceptedAt = idTime(a.id);
    t.clock.ms = acceptedAt + 4_500;
    // Booked 5 s after it was accepted: acme had 5 s of mail in front of it. It waits 500 ms for its slot.
    await expect(sendMessage(record({ ...a, shareSlotAt: acceptedAt + 5_000 }), t.deps)).resolves.toBe(
      'sent',
    );
    // globex books at send and finds its share free: nothing of its own in front of it.
    const b = queueMessage({ tenantId: 'globex', from: 'app@globex.example', subject: 'b' });
    await expect(sendMessage(record(b), t.deps)).resolves.toBe('sent');
    expect(asked).toEqual([acceptedAt + 5_000 + GIVE_WAY_MS, undefined]);
  });

  it('lets a tenant with its own sendRate send at that rate instead of the default share', async () => {
    t.tenants.set('acme', { sendRate: 1 });
    const waits = concurrently();
    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push(await sendMessage(record(queueMessage()), t.deps));
    expect(outcomes).toEqual(['sent', 'sent', 'deferred', 'deferred']);
    expect(requeued.map((r) => r.delaySeconds)).toEqual([2, 3]);
    expect(waits).toEqual([1000]);
  });

  it('carries the receives a record used into its copy, so waiting never hands out fresh attempts', async () => {
    store.tat.set('acme', t.clock.ms + 5_000);
    const message = queueMessage();
    // Third receive (two failed attempts before): the copy says 2 were used.
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('deferred');
    expect(requeued[0]!.message.attemptsUsed).toBe(2);

    // The copy on its first receive counts as the third attempt.
    t.clock.advance(5_000);
    t.ses.next({ error: new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: '' }) });
    await expect(sendMessage(record(requeued[0]!.message, 1), t.deps)).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    const events = (await t.messages.getWithEvents(message.id))!.events;
    expect(events.find((e) => e.type === 'sending')?.data).toEqual({ attempt: 3 });
  });

  it('records a copy on its last attempt failed, as the original would have been', async () => {
    const message = { ...queueMessage(), shareSlotAt: t.clock.ms, attemptsUsed: 9 };
    t.ses.next({ error: new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: '' }) });
    await expect(sendMessage(record(message, 1), t.deps)).rejects.toBeInstanceOf(RetryLaterError);
    expect(await t.messages.get(message.id)).toMatchObject({ status: 'failed' });
  });

  it('sends everything at once without a share (fairness off)', async () => {
    delete t.deps.tenantShare;
    store.tat.set('acme', t.clock.ms + 5_000);
    await expect(sendMessage(record(queueMessage()), t.deps)).resolves.toBe('sent');
  });
});
