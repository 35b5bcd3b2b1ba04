import { InMemoryDedupeLock } from '../../src/testing';

const key = { tenantId: 'acme', idempotencyKey: 'order-42' };

describe('InMemoryDedupeLock (same semantics as the DynamoDB adapter)', () => {
  it('lets one acquirer in and reports in_progress to the rest', async () => {
    const lock = new InMemoryDedupeLock<string>();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => lock.view().acquire(key, { leaseMs: 1_000 })),
    );
    expect(results.filter((r) => r.state === 'acquired')).toHaveLength(1);
    expect(results.filter((r) => r.state === 'in_progress')).toHaveLength(4);
  });

  it('hands an expired lease to the next acquirer and keeps the old owner out', async () => {
    const a = new InMemoryDedupeLock<string>();
    const b = a.view();
    await a.acquire(key, { leaseMs: 1_000, now: 0 });
    await expect(b.acquire(key, { leaseMs: 1_000, now: 1_000 })).resolves.toMatchObject({
      state: 'in_progress',
    });
    await expect(b.acquire(key, { leaseMs: 1_000, now: 1_001 })).resolves.toMatchObject({
      state: 'acquired',
    });
    await expect(a.complete(key, 'stale')).resolves.toBe(false);
    await expect(a.release(key)).resolves.toBe(false);
    await expect(b.complete(key, 'pm-1')).resolves.toBe(true);
    await expect(a.acquire(key, { leaseMs: 1, now: 5_000 })).resolves.toEqual({
      state: 'completed',
      result: 'pm-1',
    });
  });

  it('frees the lock on release', async () => {
    const lock = new InMemoryDedupeLock();
    await lock.acquire(key, { leaseMs: 60_000 });
    await expect(lock.release(key)).resolves.toBe(true);
    await expect(lock.view().acquire(key, { leaseMs: 60_000 })).resolves.toMatchObject({ state: 'acquired' });
  });

  it('refuses to complete a lock this object never acquired, unless given the owner', async () => {
    const a = new InMemoryDedupeLock<string>();
    const claim = await a.acquire(key, { leaseMs: 60_000, fingerprint: 'h1' });
    if (claim.state !== 'acquired') throw new Error('expected to acquire');
    await expect(a.view().complete(key, 'x')).resolves.toBe(false);
    await expect(a.view().complete(key, 'x', claim.owner)).resolves.toBe(true);
    await expect(a.view().acquire(key, { leaseMs: 1 })).resolves.toEqual({
      state: 'completed',
      result: 'x',
      fingerprint: 'h1',
    });
  });
});
