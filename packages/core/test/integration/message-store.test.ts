import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  newId,
  type DedupeLock,
  type JoinableCompletion,
  type MessageStore,
  type NewMessage,
  type SuppressionStore,
} from '../../src';
import {
  createDynamoDocumentClient,
  DynamoDedupeLock,
  DynamoMessageStore,
  DynamoSuppressionStore,
} from '../../src/aws';
import { InMemoryDedupeLock, InMemoryMessageStore, InMemorySuppressionStore } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-messages';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1', 'gsi2', 'gsi3', 'gsi4']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
});
afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

interface Backend {
  messages(now?: () => Date): MessageStore;
  lock(): DedupeLock & JoinableCompletion;
  suppressions(): SuppressionStore;
}

// The DynamoDB adapters and their in-memory twins must behave alike: one suite runs against both.
describe.each<[string, () => Backend]>([
  [
    'DynamoDB Local',
    () => ({
      messages: (now) => new DynamoMessageStore(doc, TABLE, now),
      lock: () => new DynamoDedupeLock(doc, TABLE),
      suppressions: () => new DynamoSuppressionStore(doc, TABLE),
    }),
  ],
  [
    'in memory',
    () => {
      const messages = new InMemoryMessageStore();
      const lock = new InMemoryDedupeLock();
      const suppressions = new InMemorySuppressionStore();
      return {
        messages: (now) => (now ? new InMemoryMessageStore(now) : messages),
        lock: () => lock,
        suppressions: () => suppressions,
      };
    },
  ],
])('MessageStore and SuppressionStore (%s)', (_name, makeBackend) => {
  let backend: Backend;
  let store: MessageStore;
  beforeAll(() => {
    backend = makeBackend();
    store = backend.messages();
  });

  const newMessage = (over: Partial<NewMessage> = {}): NewMessage => ({
    id: newId(),
    tenantId: 'acme',
    createdAt: new Date().toISOString(),
    from: 'shop@acme.example',
    to: ['ana@example.com'],
    subject: 'Hello',
    recipients: ['ana@example.com'],
    ...over,
  });
  const types = async (id: string) => (await store.getWithEvents(id))?.events.map((e) => e.type);

  it('records a new message queued, with a queued event', async () => {
    const message = newMessage();
    await expect(store.create(message)).resolves.toEqual({ created: true });
    await expect(store.get(message.id)).resolves.toMatchObject({ status: 'queued', attempts: 0 });
    await expect(types(message.id)).resolves.toEqual(['queued']);
  });

  it('answers an idempotency key already claimed with the first claim, writing nothing', async () => {
    const key = `order-${newId()}`;
    const first = newMessage();
    await store.create(first, { key, bodyHash: 'h1' });
    const second = newMessage();
    await expect(store.create(second, { key, bodyHash: 'h2' })).resolves.toEqual({
      created: false,
      existing: { messageId: first.id, bodyHash: 'h1' },
    });
    await expect(store.get(second.id)).resolves.toBeUndefined();
  });

  it('lets an idempotency key be claimed again once its 48 hours are over', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const clocked = backend.messages(() => now);
    const key = `order-${newId()}`;
    await clocked.create(newMessage(), { key, bodyHash: 'h1' });
    now = new Date('2026-01-03T00:00:01Z');
    await expect(clocked.create(newMessage(), { key, bodyHash: 'h1' })).resolves.toEqual({ created: true });
  });

  it('ensures a message only once and notes when it was enqueued', async () => {
    const message = newMessage();
    await store.ensure(message);
    await store.ensure({ ...message, subject: 'changed' });
    await store.markEnqueued(message.id);
    const stored = await store.get(message.id);
    expect(stored).toMatchObject({ subject: 'Hello', status: 'queued' });
    expect(stored?.enqueuedAt).toEqual(expect.any(String));
  });

  it('moves the status with its event, counting attempts, oldest event first', async () => {
    const message = newMessage();
    await store.create(message);
    await store.transition(message.id, 'acme', {
      status: 'sending',
      countAttempt: true,
      provider: 'ses',
      event: { type: 'sending', provider: 'ses', data: { attempt: 1 } },
    });
    await store.appendEvent(message.id, { type: 'note', provider: null, data: {} });
    await store.transition(message.id, 'acme', {
      status: 'sent',
      providerMessageId: 'pm-1',
      provider: 'ses',
      lastError: null,
      event: { type: 'sent', provider: 'ses', data: {} },
    });
    await expect(store.get(message.id)).resolves.toMatchObject({
      status: 'sent',
      attempts: 1,
      provider: 'ses',
      providerMessageId: 'pm-1',
      lastError: null,
    });
    await expect(types(message.id)).resolves.toEqual(['queued', 'sending', 'note', 'sent']);
  });

  it('reads many messages at once, more than one batch’s worth, leaving out ids it does not know', async () => {
    const messages = Array.from({ length: 120 }, () => newMessage());
    for (const m of messages) await store.create(m);
    const ids = [...messages.map((m) => m.id), messages[0]!.id, newId()];
    const found = await store.getMany(ids);
    expect(found.size).toBe(120);
    expect(found.get(messages[7]!.id)).toEqual(await store.get(messages[7]!.id));
    await expect(store.getMany([])).resolves.toEqual(new Map());
  });

  it('keeps a provider event once however often it is written, and every event without an id', async () => {
    const message = newMessage();
    await store.create(message);
    const at = '2026-01-01T00:00:00.000Z';
    const delivered = { type: 'delivered', at, provider: 'sendgrid', data: { eventId: 'sg-1' } };
    await store.transition(message.id, 'acme', { status: 'delivered', event: delivered });
    // The same event again (a redelivered lake object), by either write.
    await store.appendEvent(message.id, delivered);
    await store.transition(message.id, 'acme', { status: 'delivered', event: delivered });
    await store.appendEvent(message.id, {
      type: 'opened',
      at,
      provider: 'sendgrid',
      data: { eventId: 'sg-2' },
    });
    await store.appendEvent(message.id, { type: 'note', at, provider: null, data: {} });
    await store.appendEvent(message.id, { type: 'note', at, provider: null, data: {} });
    const events = (await store.getWithEvents(message.id))!.events;
    expect(events.filter((e) => e.type === 'delivered')).toEqual([delivered]);
    expect(events.map((e) => e.type).sort()).toEqual(['delivered', 'note', 'note', 'opened', 'queued']);
  });

  it('appends many messages’ events at once, past one batch’s worth, keeping a repeated event once', async () => {
    const messages = Array.from({ length: 3 }, () => newMessage());
    for (const m of messages) await store.create(m);
    const at = '2026-01-01T00:00:00.000Z';
    const entries = messages.flatMap((m, i) =>
      Array.from({ length: 12 }, (_, n) => ({
        messageId: m.id,
        event: { type: 'opened', at, provider: 'sendgrid', data: { eventId: `open-${i}-${n}` } },
      })),
    );
    const first = messages[0]!.id;
    // The same provider event twice in one call (a key BatchWriteItem must not see twice), the later wins.
    const repeated = { type: 'clicked', at, provider: 'sendgrid', data: { eventId: 'click-1' } };
    await store.appendEvents([
      ...entries,
      { messageId: first, event: { ...repeated, data: { ...repeated.data, url: 'old' } } },
      { messageId: first, event: repeated },
    ]);
    // Written again (a redelivered object): nothing repeats.
    await store.appendEvents(entries.slice(0, 5));
    const timelines = await Promise.all(messages.map((m) => store.getWithEvents(m.id)));
    expect(timelines.map((t) => t!.events.filter((e) => e.type === 'opened').length)).toEqual([12, 12, 12]);
    expect(timelines[0]!.events.filter((e) => e.type === 'clicked')).toEqual([repeated]);
    expect(timelines.map((t) => t!.message.status)).toEqual(['queued', 'queued', 'queued']);
    await expect(store.appendEvents([])).resolves.toBeUndefined();
  });

  it('advances a status without a timeline event, only from the statuses it is told', async () => {
    const message = newMessage();
    await store.create(message);
    await store.transition(message.id, 'acme', {
      status: 'sent',
      provider: 'ses',
      providerMessageId: `pm-${message.id}`,
      event: { type: 'sent', provider: 'ses', data: {} },
    });
    const at = '2026-01-01T00:00:05.000Z';
    await expect(
      store.advanceStatus(message.id, 'acme', { status: 'delivered', at, onlyFrom: ['sent', 'deferred'] }),
    ).resolves.toBe(true);
    await expect(
      store.advanceStatus(message.id, 'acme', { status: 'deferred', at, onlyFrom: ['sent'] }),
    ).resolves.toBe(false);
    const found = await store.getWithEvents(message.id);
    expect(found!.message).toMatchObject({ status: 'delivered', updatedAt: at });
    expect(found!.events.map((e) => e.type)).toEqual(['queued', 'sent']);
    // Still found by the provider's id, and listed under its new status.
    await expect(store.findByProviderMessageId('ses', `pm-${message.id}`)).resolves.toMatchObject({
      status: 'delivered',
    });
    const listed = await store.list('acme', { status: 'delivered' }, { limit: 100 });
    expect(listed.items.map((m) => m.id)).toContain(message.id);
    await expect(
      store.advanceStatus(newId(), 'acme', { status: 'delivered', at, onlyFrom: ['sent'] }),
    ).rejects.toThrow();
  });

  it('refuses to move a message that does not exist', async () => {
    await expect(
      store.transition(newId(), 'acme', {
        status: 'sent',
        event: { type: 'sent', provider: null, data: {} },
      }),
    ).rejects.toThrow();
  });

  it('moves a message only from the statuses it is told, and says when it did not', async () => {
    const message = newMessage();
    await store.create(message);
    const failed = {
      status: 'failed',
      lastError: 'SEND.DEAD_LETTERED: x',
      onlyFrom: ['queued', 'sending'],
      event: { type: 'failed', provider: null, data: {} },
    } as const;
    await expect(store.transition(message.id, 'acme', failed)).resolves.toBe(true);
    await expect(store.transition(message.id, 'acme', { ...failed, lastError: 'again' })).resolves.toBe(
      false,
    );
    await expect(store.get(message.id)).resolves.toMatchObject({
      status: 'failed',
      lastError: 'SEND.DEAD_LETTERED: x',
    });
    await expect(types(message.id)).resolves.toEqual(['queued', 'failed']);
    await expect(store.transition(newId(), 'acme', failed)).rejects.toThrow();
  });

  it('lists every tenant’s unsent mail created before a time, oldest first, and only while unsent', async () => {
    const at = (minute: number) => `2020-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
    const [old, older, sending, recent] = [
      newMessage({ createdAt: at(2), tenantId: 'globex' }),
      newMessage({ createdAt: at(1) }),
      newMessage({ createdAt: at(3) }),
      newMessage({ createdAt: at(30) }),
    ];
    for (const m of [old, older, sending, recent]) await store.create(m);
    const sent = newMessage({ createdAt: at(4) });
    await store.create(sent);
    const move = (id: string, status: 'sending' | 'sent' | 'queued', requeuedAt?: string) =>
      store.transition(id, 'acme', {
        status,
        ...(requeuedAt && { requeuedAt }),
        event: { type: status, provider: null, data: {} },
      });
    await move(sending.id, 'sending');
    await move(sent.id, 'sent');
    await move(old.id, 'queued', at(20));

    const unsent = await store.listUnsent({ createdBefore: at(10), limit: 10 });
    expect(unsent.map((m) => [m.id, m.status])).toEqual([
      [older.id, 'queued'],
      [old.id, 'queued'],
      [sending.id, 'sending'],
    ]);
    expect(unsent[1]).toMatchObject({ tenantId: 'globex', createdAt: at(2), requeuedAt: at(20) });
    expect(unsent[0]!.updatedAt).toEqual(expect.any(String));
    await expect(store.listUnsent({ createdBefore: at(10), limit: 2 })).resolves.toHaveLength(2);

    await move(older.id, 'sent');
    await move(sent.id, 'queued'); // back in, e.g. retried by hand
    const after = await store.listUnsent({ createdBefore: at(10), limit: 10 });
    expect(after.map((m) => m.id)).toEqual([old.id, sending.id, sent.id]);
  });

  describe('list', () => {
    const at = (minute: number) => `2021-06-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
    /** Every page from the first, following `last`, as ids. */
    const all = async (tenantId: string, filter: Parameters<MessageStore['list']>[1], limit: number) => {
      const ids: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 50; pages++) {
        const page = await store.list(tenantId, filter, { limit, ...(after !== undefined && { after }) });
        ids.push(...page.items.map((m) => m.id));
        if (page.last === undefined) return ids;
        after = page.last;
      }
      throw new Error('listing did not end');
    };

    it('lists a tenant’s mail newest first, page by page, without repeats or gaps', async () => {
      const tenantId = `list-${newId()}`;
      const made = [];
      for (let minute = 0; minute < 7; minute++) {
        const m = newMessage({ tenantId, createdAt: at(minute) });
        await store.create(m);
        made.push(m);
      }
      await store.create(newMessage({ tenantId: `other-${newId()}`, createdAt: at(3) }));
      const newestFirst = made.map((m) => m.id).reverse();

      const first = await store.list(tenantId, {}, { limit: 3 });
      expect(first.items.map((m) => m.id)).toEqual(newestFirst.slice(0, 3));
      expect(first.items[0]).toMatchObject({ tenantId, status: 'queued', subject: 'Hello', attempts: 0 });
      expect(first.last).toEqual(expect.any(String));
      await expect(all(tenantId, {}, 3)).resolves.toEqual(newestFirst);
      await expect(all(tenantId, {}, 7)).resolves.toEqual(newestFirst);
      await expect(store.list(tenantId, {}, { limit: 7 })).resolves.not.toHaveProperty('last');
      await expect(store.list(`nobody-${newId()}`, {}, { limit: 5 })).resolves.toEqual({ items: [] });
    });

    it('filters by status, recipient (any case, cc and bcc too) and creation time, inclusive', async () => {
      const tenantId = `list-${newId()}`;
      const [a, b, c, d] = [
        newMessage({ tenantId, createdAt: at(1), recipients: ['Ana@Example.com'] }),
        newMessage({ tenantId, createdAt: at(2), recipients: ['bo@example.com', 'ana@example.com'] }),
        newMessage({ tenantId, createdAt: at(3), recipients: ['bo@example.com'] }),
        newMessage({ tenantId, createdAt: at(4), recipients: ['ana@example.com'] }),
      ];
      for (const m of [a, b, c, d]) await store.create(m);
      const fail = (id: string) =>
        store.transition(id, tenantId, {
          status: 'failed',
          event: { type: 'failed', provider: null, data: {} },
        });
      await fail(b.id);
      await fail(c.id);

      await expect(all(tenantId, { status: 'failed' }, 1)).resolves.toEqual([c.id, b.id]);
      await expect(all(tenantId, { status: 'queued' }, 10)).resolves.toEqual([d.id, a.id]);
      await expect(all(tenantId, { recipient: 'ANA@example.com' }, 2)).resolves.toEqual([d.id, b.id, a.id]);
      await expect(all(tenantId, { recipient: 'ana@example.com', status: 'failed' }, 1)).resolves.toEqual([
        b.id,
      ]);
      await expect(all(tenantId, { since: at(2), until: at(3) }, 1)).resolves.toEqual([c.id, b.id]);
      await expect(all(tenantId, { since: at(4) }, 5)).resolves.toEqual([d.id]);
      await expect(all(tenantId, { until: at(1) }, 5)).resolves.toEqual([a.id]);
      await expect(all(tenantId, { recipient: 'bo@example.com', since: at(3) }, 5)).resolves.toEqual([c.id]);
      await expect(all(tenantId, { recipient: 'nobody@example.com' }, 5)).resolves.toEqual([]);
    });

    it('refuses a position it did not hand out', async () => {
      await expect(store.list('acme', {}, { limit: 5, after: 'not-a-position' })).rejects.toMatchObject({
        code: 'REQUEST.INVALID',
      });
    });
  });

  it('commits a joined lock completion with the transition, or neither', async () => {
    const lock = backend.lock();
    const message = newMessage();
    await store.create(message);
    const key = { tenantId: 'acme', idempotencyKey: message.id };
    const sent = { status: 'sent', event: { type: 'sent', provider: 'ses', data: {} } } as const;

    const claim = await lock.acquire(key, { leaseMs: 60_000 });
    expect(claim.state).toBe('acquired');
    const joint = lock.completion(key, { providerMessageId: 'pm' });
    await expect(store.transition(message.id, 'acme', sent, [joint!.item])).resolves.toBe(true);
    joint!.settle(true);
    await expect(lock.acquire(key, { leaseMs: 60_000 })).resolves.toMatchObject({ state: 'completed' });

    // A lease taken over by another worker: the completion's condition fails and nothing is written.
    const other = newMessage();
    await store.create(other);
    const otherKey = { tenantId: 'acme', idempotencyKey: other.id };
    const mine = await lock.acquire(otherKey, { leaseMs: 1, now: Date.now() - 10 });
    expect(mine.state).toBe('acquired');
    const stale = lock.completion(otherKey, { providerMessageId: 'mine' }, (mine as { owner: string }).owner);
    await lock.acquire(otherKey, { leaseMs: 60_000 }); // the successor
    await expect(store.transition(other.id, 'acme', sent, [stale!.item])).resolves.toBe(false);
    await expect(store.get(other.id)).resolves.toMatchObject({ status: 'queued' });
  });

  it('keeps a tenant’s suppression list, case-insensitively, apart from other tenants’', async () => {
    const suppressions = backend.suppressions();
    const email = `Bounced-${newId()}@Example.com`;
    await suppressions.suppress('acme', email, 'bounce');
    await expect(suppressions.suppressed('acme', [email.toUpperCase(), 'ok@example.com'])).resolves.toEqual(
      new Set([email.toLowerCase()]),
    );
    await expect(suppressions.suppressed('globex', [email])).resolves.toEqual(new Set());
    await expect(suppressions.suppressed('acme', [])).resolves.toEqual(new Set());
  });
});
