import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { DynamoTenantShareStore, type TenantShareStore } from '../../src/rate/tenant-share';
import { InMemoryTenantShareStore } from '../support/twins';

jest.setTimeout(60_000);

let cloud: LocalCloud;
let doc: ReturnType<typeof createDynamoDocumentClient>;
let table: string;
let n = 0;
const freshTenant = () => `t${++n}-${Date.now().toString(36)}`;

beforeAll(async () => {
  cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
  doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
  table = cloud.outputs.outbound.MessagesTableName!;
});
afterAll(async () => {
  doc?.destroy();
  await cloud?.stop();
});

// The DynamoDB adapter and its in-memory twin must answer alike: one suite runs against both.
describe.each([
  ['DynamoDB Local', () => new DynamoTenantShareStore(doc, table)],
  ['in memory', () => new InMemoryTenantShareStore()],
])('tenant share store (%s)', (_backend, makeStore) => {
  let store: TenantShareStore;
  beforeAll(() => {
    store = makeStore();
  });
  const now = 5_000_000;

  it('hands one tenant’s reservations consecutive slots, sized by their recipients', async () => {
    const tenant = freshTenant();
    // 10 recipients per second: 100 ms a recipient.
    await expect(store.reserve(tenant, 1, 100, { now })).resolves.toEqual({ slotAt: now });
    await expect(store.reserve(tenant, 3, 100, { now })).resolves.toEqual({ slotAt: now + 100 });
    await expect(store.reserve(tenant, 1, 100, { now: now + 50 })).resolves.toEqual({ slotAt: now + 400 });
  });

  it('keeps tenants apart', async () => {
    const [a, b] = [freshTenant(), freshTenant()];
    await store.reserve(a, 50, 100, { now });
    await expect(store.reserve(b, 1, 100, { now })).resolves.toEqual({ slotAt: now });
  });

  it('does not bank unused time: after a quiet spell the next slot is now', async () => {
    const tenant = freshTenant();
    await store.reserve(tenant, 2, 100, { now });
    await expect(store.reserve(tenant, 1, 100, { now: now + 60_000 })).resolves.toEqual({
      slotAt: now + 60_000,
    });
  });

  it('refuses a slot further out than maxWaitMs, reserves nothing, and says when it would not be', async () => {
    const tenant = freshTenant();
    await store.reserve(tenant, 15, 100, { now }); // booked until now + 1500
    await expect(store.reserve(tenant, 1, 100, { now, maxWaitMs: 1000 })).resolves.toEqual({
      retryAfterMs: 500,
    });
    await expect(store.reserve(tenant, 1, 100, { now: now + 500, maxWaitMs: 1000 })).resolves.toEqual({
      slotAt: now + 1500,
    });
  });

  it('gives concurrent callers distinct slots, none lost', async () => {
    const tenant = freshTenant();
    const slots = await Promise.all(Array.from({ length: 20 }, () => store.reserve(tenant, 1, 100, { now })));
    expect(slots.map((s) => (s as { slotAt: number }).slotAt).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, i) => now + i * 100),
    );
  });
});

describe('tenant share item (DynamoDB Local)', () => {
  it('lives at SHARE#<tenant> in the messages table and expires a day after its last use', async () => {
    const tenant = freshTenant();
    const now = Date.now();
    await new DynamoTenantShareStore(doc, table).reserve(tenant, 1, 100, { now });
    const { Item } = await doc.send(
      new GetCommand({ TableName: table, Key: { pk: `SHARE#${tenant}`, sk: 'SHARE' } }),
    );
    expect(Item).toMatchObject({ tat: now + 100, expiresAt: Math.ceil(now / 1000) + 24 * 3600 });
  });
});
