import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DedupeKey, MessageStore } from '../../src';
import { createDynamoDocumentClient, DynamoDedupeLock, DynamoMessageStore } from '../../src/aws';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

interface SendResult {
  provider: string;
  providerMessageId: string;
}

const TABLE = 'mailroom-test-messages';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let n = 0;
/** A fresh key per test, so no test depends on another's state. */
const freshKey = (): DedupeKey => ({ tenantId: 'acme', idempotencyKey: `key-${++n}-${Date.now()}` });
/** One lock object per worker, as one per Lambda container. */
const worker = () => new DynamoDedupeLock<SendResult>(doc, TABLE);

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
});

afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

describe('DynamoDedupeLock against DynamoDB Local', () => {
  it('lets exactly one of 20 concurrent acquirers in; the other 19 see in_progress', async () => {
    const key = freshKey();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => worker().acquire(key, { leaseMs: 60_000 })),
    );
    const states = results.map((r) => r.state);
    expect(states.filter((s) => s === 'acquired')).toHaveLength(1);
    expect(states.filter((s) => s === 'in_progress')).toHaveLength(19);
  });

  it('stores the item under LOCK#<tenantId>#<idempotencyKey> / LOCK with lease and TTL in epoch seconds', async () => {
    const key = freshKey();
    const now = Date.UTC(2026, 0, 1);
    await worker().acquire(key, { leaseMs: 30_000, now });
    const { Item } = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `LOCK#acme#${key.idempotencyKey}`, sk: 'LOCK' } }),
    );
    expect(Item).toMatchObject({ status: 'in_progress', leaseExpiresAt: now + 30_000 });
    expect(Item?.['expiresAt']).toBe(now / 1000 + 7 * 24 * 3600);
    expect(typeof Item?.['owner']).toBe('string');
  });

  it('reports in_progress with the holder’s lease expiry while the lease runs', async () => {
    const key = freshKey();
    const now = Date.now();
    await worker().acquire(key, { leaseMs: 60_000, now });
    await expect(worker().acquire(key, { leaseMs: 60_000, now: now + 59_000 })).resolves.toEqual({
      state: 'in_progress',
      leaseExpiresAt: now + 60_000,
    });
  });

  it('holds a lease up to and including its expiry millisecond', async () => {
    const key = freshKey();
    const now = Date.now();
    await worker().acquire(key, { leaseMs: 1_000, now });
    await expect(worker().acquire(key, { leaseMs: 1_000, now: now + 1_000 })).resolves.toMatchObject({
      state: 'in_progress',
    });
  });

  it('lets a later worker take over an expired lease', async () => {
    const key = freshKey();
    const now = Date.now();
    const first = await worker().acquire(key, { leaseMs: 1_000, now });
    const second = await worker().acquire(key, { leaseMs: 1_000, now: now + 1_001 });
    expect(first.state).toBe('acquired');
    expect(second).toMatchObject({ state: 'acquired', leaseExpiresAt: now + 2_001 });
  });

  it('takes over an expired lease in real time, too (short lease, no injected clock)', async () => {
    const key = freshKey();
    await worker().acquire(key, { leaseMs: 50 });
    await new Promise((r) => setTimeout(r, 120));
    await expect(worker().acquire(key, { leaseMs: 50 })).resolves.toMatchObject({ state: 'acquired' });
  });

  it('reports the stored result of a completed lock to later acquirers, even after the lease', async () => {
    const key = freshKey();
    const a = worker();
    const now = Date.now();
    await a.acquire(key, { leaseMs: 1_000, now, fingerprint: 'body-sha256' });
    await expect(a.complete(key, { provider: 'ses', providerMessageId: 'pm-1' })).resolves.toBe(true);
    await expect(worker().acquire(key, { leaseMs: 1_000, now: now + 10_000 })).resolves.toEqual({
      state: 'completed',
      result: { provider: 'ses', providerMessageId: 'pm-1' },
      fingerprint: 'body-sha256',
    });
  });

  it('lets the next attempt in at once after a release', async () => {
    const key = freshKey();
    const a = worker();
    await a.acquire(key, { leaseMs: 60_000 });
    await expect(a.release(key)).resolves.toBe(true);
    await expect(worker().acquire(key, { leaseMs: 60_000 })).resolves.toMatchObject({ state: 'acquired' });
  });

  it('keeps a taken-over worker from completing or releasing the new owner’s lock', async () => {
    const key = freshKey();
    const now = Date.now();
    const slow = worker();
    const successor = worker();
    await slow.acquire(key, { leaseMs: 1_000, now });
    await successor.acquire(key, { leaseMs: 60_000, now: now + 2_000 });

    await expect(slow.complete(key, { provider: 'ses', providerMessageId: 'stale' })).resolves.toBe(false);
    await expect(slow.release(key)).resolves.toBe(false);
    // The successor still holds the lock: others wait, and its own completion wins.
    await expect(worker().acquire(key, { leaseMs: 60_000, now: now + 3_000 })).resolves.toMatchObject({
      state: 'in_progress',
      leaseExpiresAt: now + 62_000,
    });
    await expect(successor.complete(key, { provider: 'ses', providerMessageId: 'pm-2' })).resolves.toBe(true);
    await expect(worker().acquire(key, { leaseMs: 1, now: now + 4_000 })).resolves.toMatchObject({
      state: 'completed',
      result: { providerMessageId: 'pm-2' },
    });
  });

  it('accepts an explicit owner token from another lock object', async () => {
    const key = freshKey();
    const claim = await worker().acquire(key, { leaseMs: 60_000 });
    if (claim.state !== 'acquired') throw new Error('expected to acquire');
    await expect(worker().complete(key, { provider: 'ses', providerMessageId: 'x' })).resolves.toBe(false);
    await expect(
      worker().complete(key, { provider: 'ses', providerMessageId: 'x' }, claim.owner),
    ).resolves.toBe(true);
  });

  it('completes a lock whose lease expired when nobody took it over (the send did happen)', async () => {
    const key = freshKey();
    const a = worker();
    await a.acquire(key, { leaseMs: 1, now: Date.now() - 60_000 });
    await expect(a.complete(key, { provider: 'sendgrid', providerMessageId: 'late' })).resolves.toBe(true);
  });

  it('does not let a completed lock be released', async () => {
    const key = freshKey();
    const a = worker();
    const claim = await a.acquire(key, { leaseMs: 60_000 });
    if (claim.state !== 'acquired') throw new Error('expected to acquire');
    await a.complete(key, { provider: 'ses', providerMessageId: 'pm' });
    await expect(a.release(key, claim.owner)).resolves.toBe(false);
    await expect(worker().acquire(key, { leaseMs: 1 })).resolves.toMatchObject({ state: 'completed' });
  });

  describe('completion joined to a MessageStore transition (same table)', () => {
    const sent = (providerMessageId: string) =>
      ({
        status: 'sent',
        provider: 'ses',
        providerMessageId,
        event: { type: 'sent', provider: 'ses', data: { providerMessageId } },
      }) as const;
    const newMessage = async (store: MessageStore) => {
      const id = `01JMSG${String(++n).padStart(20, '0')}`;
      await store.ensure({
        id,
        tenantId: 'acme',
        createdAt: new Date().toISOString(),
        from: 'a@example.com',
        to: ['b@example.com'],
        subject: 'joint',
        recipients: ['b@example.com'],
        provider: 'ses',
      });
      return id;
    };

    it('records the message sent and completes the lock in one write', async () => {
      const store = new DynamoMessageStore(doc, TABLE);
      const key = freshKey();
      const a = worker();
      await a.acquire(key, { leaseMs: 60_000 });
      const id = await newMessage(store);
      const joint = a.completion(key, { provider: 'ses', providerMessageId: 'pm-1' });
      expect(joint).toBeDefined();
      await expect(store.transition(id, 'acme', sent('pm-1'), [joint!.item])).resolves.toBe(true);
      joint!.settle(true);
      expect((await store.get(id))?.status).toBe('sent');
      await expect(worker().acquire(key, { leaseMs: 1 })).resolves.toEqual({
        state: 'completed',
        result: { provider: 'ses', providerMessageId: 'pm-1' },
      });
      // Settled: the token is forgotten, as after complete().
      expect(a.completion(key, { provider: 'ses', providerMessageId: 'again' })).toBeUndefined();
    });

    it('writes nothing and answers false when the lease was taken over', async () => {
      const store = new DynamoMessageStore(doc, TABLE);
      const key = freshKey();
      const a = worker();
      await a.acquire(key, { leaseMs: 1, now: Date.now() - 60_000 });
      const b = worker();
      await expect(b.acquire(key, { leaseMs: 60_000 })).resolves.toMatchObject({ state: 'acquired' });
      const id = await newMessage(store);
      const joint = a.completion(key, { provider: 'ses', providerMessageId: 'stale' });
      await expect(store.transition(id, 'acme', sent('stale'), [joint!.item])).resolves.toBe(false);
      expect((await store.get(id))?.status).toBe('queued');
      expect((await store.getWithEvents(id))?.events.map((e) => e.type)).toEqual(['queued']);
      // The successor still holds the lock and completes it itself.
      await expect(b.complete(key, { provider: 'ses', providerMessageId: 'pm-b' })).resolves.toBe(true);
    });

    it('still throws when the message itself is missing', async () => {
      const store = new DynamoMessageStore(doc, TABLE);
      const key = freshKey();
      const a = worker();
      await a.acquire(key, { leaseMs: 60_000 });
      const joint = a.completion(key, { provider: 'ses', providerMessageId: 'x' });
      await expect(
        store.transition('01JNOSUCHMESSAGE000000000', 'acme', sent('x'), [joint!.item]),
      ).rejects.toThrow();
      await expect(worker().acquire(key, { leaseMs: 1 })).resolves.toMatchObject({ state: 'in_progress' });
    });
  });
});
