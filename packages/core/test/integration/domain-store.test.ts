import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, type DomainStore } from '../../src';
import { createDynamoDocumentClient, DynamoDomainStore, DynamoTenantStore } from '../../src/aws';
import { InMemoryDomainStore } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-tenants';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let n = 0;
/** A domain no other test uses (both backends keep their items for the whole file). */
const fresh = (label = 'mail') => `${label}.t${++n}-${Date.now().toString(36)}.example`;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
});

afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

// The DynamoDB adapter and its in-memory twin must behave alike: one suite runs against both.
describe.each([
  ['DynamoDB Local', () => new DynamoDomainStore(doc, TABLE)],
  ['in memory', () => new InMemoryDomainStore()],
])('DomainStore (%s)', (_backend, makeStore) => {
  let store: DomainStore;
  beforeAll(() => {
    store = makeStore();
  });

  it('claims a domain as pending and reads it back for its tenant only', async () => {
    const domain = fresh();
    const { created, record } = await store.claim('acme', domain, { mailFrom: `bounce.${domain}` });
    expect(created).toBe(true);
    expect(record).toEqual({
      domain,
      tenantId: 'acme',
      status: 'pending',
      dkimTokens: [],
      mailFrom: `bounce.${domain}`,
      createdAt: expect.any(String),
      updatedAt: record.createdAt,
    });
    await expect(store.get('acme', domain)).resolves.toEqual(record);
    await expect(store.get('globex', domain)).resolves.toBeNull();
    await expect(store.get('acme', fresh())).resolves.toBeNull();
  });

  it("refuses another tenant's claim with a 409 and answers the holder's own claim again", async () => {
    const domain = fresh();
    const first = await store.claim('acme', domain);
    await expect(store.claim('globex', domain)).rejects.toBeInstanceOf(ConflictError);
    await expect(store.claim('acme', domain)).resolves.toEqual({ created: false, record: first.record });
    await expect(store.get('acme', domain)).resolves.toEqual(first.record);
  });

  it('gives one winner when two tenants claim the same domain at once', async () => {
    const domain = fresh();
    const outcomes = await Promise.allSettled([store.claim('acme', domain), store.claim('globex', domain)]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((o) => (o as PromiseRejectedResult).reason)).toEqual([expect.any(ConflictError)]);
  });

  it('updates the holder’s domain and never another tenant’s', async () => {
    const domain = fresh();
    await store.claim('acme', domain);
    const at = new Date().toISOString();
    const updated = await store.update('acme', domain, {
      status: 'verified',
      dkimTokens: ['a', 'b', 'c'],
      dkimStatus: 'success',
      checkedAt: at,
    });
    expect(updated).toMatchObject({ status: 'verified', dkimTokens: ['a', 'b', 'c'], checkedAt: at });
    await expect(store.update('globex', domain, { status: 'failed' })).resolves.toBeNull();
    await expect(store.update('acme', fresh(), { status: 'failed' })).resolves.toBeNull();
    await expect(store.get('acme', domain)).resolves.toMatchObject({ status: 'verified' });
  });

  it('looks domains up whoever holds them, skipping unclaimed ones', async () => {
    const [a, b, absent] = [fresh('a'), fresh('b'), fresh('c')];
    await store.claim('acme', a);
    await store.claim('globex', b);
    const found = await store.lookup([a, absent, b, a]);
    expect(found.map((r) => [r.domain, r.tenantId])).toEqual([
      [a, 'acme'],
      [b, 'globex'],
    ]);
    await expect(store.lookup([])).resolves.toEqual([]);
  });

  it('removes the holder’s domain only, so it can be claimed again', async () => {
    const domain = fresh();
    await store.claim('acme', domain);
    await expect(store.remove('globex', domain)).resolves.toBe(false);
    await expect(store.get('acme', domain)).resolves.not.toBeNull();
    await expect(store.remove('acme', domain)).resolves.toBe(true);
    await expect(store.remove('acme', domain)).resolves.toBe(false);
    await expect(store.get('acme', domain)).resolves.toBeNull();
    await expect(store.claim('globex', domain)).resolves.toMatchObject({ created: true });
  });

  it("lists a tenant's domains in name order, a page at a time, without another tenant's", async () => {
    const tenant = `t${++n}`;
    const suffix = `${Date.now().toString(36)}.example`;
    const mine = ['c', 'a', 'e', 'b', 'd'].map((l) => `${l}.${suffix}`);
    for (const d of mine) await store.claim(tenant, d);
    await store.claim('globex', `f.${suffix}`);

    const first = await store.list(tenant, { limit: 2 });
    expect(first.items.map((d) => d.domain)).toEqual([`a.${suffix}`, `b.${suffix}`]);
    expect(first.last).toBe(`b.${suffix}`);
    const second = await store.list(tenant, { limit: 2, after: first.last });
    expect(second.items.map((d) => d.domain)).toEqual([`c.${suffix}`, `d.${suffix}`]);
    const third = await store.list(tenant, { limit: 2, after: second.last });
    // The last page says so: no cursor to an empty page.
    expect(third).toEqual({ items: [expect.objectContaining({ domain: `e.${suffix}` })] });
    await expect(store.list(tenant, { limit: 5 })).resolves.toEqual({ items: expect.any(Array) });
    await expect(store.list(`t${++n}`, { limit: 25 })).resolves.toEqual({ items: [] });
  });
});

describe('DomainStore beside the tenant store (DynamoDB Local)', () => {
  it("lists no API keys among a tenant's domains, and no domains among its keys (shared gsi1)", async () => {
    const tenants = new DynamoTenantStore(doc, TABLE);
    const domains = new DynamoDomainStore(doc, TABLE);
    const tenant = `t${++n}`;
    await tenants.createTenant(tenant);
    await tenants.createApiKey(tenant, ['send']);
    const domain = fresh();
    await domains.claim(tenant, domain);
    await expect(domains.list(tenant, { limit: 25 })).resolves.toEqual({
      items: [expect.objectContaining({ domain })],
    });
    await expect(tenants.listKeys(tenant)).resolves.toHaveLength(1);
  });
});
