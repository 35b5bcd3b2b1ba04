import { GetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, hashApiKey, NotFoundError, TenantStore, ValidationError } from '../../src';
import { createDynamoDocumentClient, DynamoTenantStore } from '../../src/aws';
import { InMemoryTenantStore } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-tenants';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let dynamo: TenantStore;
let n = 0;
const freshTenant = () => `t${++n}-${Date.now().toString(36)}`;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
  dynamo = new DynamoTenantStore(doc, TABLE);
});

afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

// The DynamoDB adapter and its in-memory twin must behave alike: one suite runs against both.
describe.each([
  ['DynamoDB Local', () => dynamo],
  ['in memory', () => new InMemoryTenantStore()],
])('TenantStore (%s)', (backend, makeStore) => {
  let store: TenantStore;
  beforeAll(() => {
    store = makeStore();
  });

  it('creates a tenant and reads it back', async () => {
    const id = freshTenant();
    await store.createTenant(id, { name: 'Acme Inc.' });
    await expect(store.getTenant(id)).resolves.toMatchObject({ tenantId: id, name: 'Acme Inc.' });
    await expect(store.getTenant(`${id}-absent`)).resolves.toBeNull();
  });

  it('keeps a tenant’s provider and updates it', async () => {
    const id = freshTenant();
    await expect(store.createTenant(id, { provider: 'sendgrid' })).resolves.toMatchObject({
      provider: 'sendgrid',
    });
    await expect(store.updateTenant(id, { provider: 'ses', name: 'Renamed' })).resolves.toMatchObject({
      tenantId: id,
      provider: 'ses',
      name: 'Renamed',
    });
    await expect(store.getTenant(id)).resolves.toMatchObject({ provider: 'ses', name: 'Renamed' });
    await expect(store.updateTenant(`${id}-absent`, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.createTenant(freshTenant(), { provider: 'mailgun' as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('keeps whose SendGrid key a tenant sends with, and nothing but platform or tenant', async () => {
    const id = freshTenant();
    await store.createTenant(id, { provider: 'sendgrid', sendgridKey: 'tenant' });
    await expect(store.getTenant(id)).resolves.toMatchObject({ sendgridKey: 'tenant' });
    await store.updateTenant(id, { sendgridKey: 'platform' });
    await expect(store.getTenant(id)).resolves.toMatchObject({ sendgridKey: 'platform' });
    await expect(store.updateTenant(id, { sendgridKey: 'SG.secret' as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.getTenant(id)).resolves.toMatchObject({ sendgridKey: 'platform' });
  });

  it('keeps a tenant’s own send rate (recipients per second), positive only', async () => {
    const id = freshTenant();
    await expect(store.createTenant(id, { sendRate: 5 })).resolves.toMatchObject({ sendRate: 5 });
    await store.updateTenant(id, { sendRate: 2.5 });
    await expect(store.getTenant(id)).resolves.toMatchObject({ sendRate: 2.5 });
    await expect(store.updateTenant(id, { sendRate: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.updateTenant(id, { sendRate: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.getTenant(id)).resolves.toMatchObject({ sendRate: 2.5 });
    const plain = freshTenant();
    await store.createTenant(plain);
    expect(await store.getTenant(plain)).not.toHaveProperty('sendRate');
  });

  it('lists every tenant by id, keys and domains aside', async () => {
    const a = `z${freshTenant()}`;
    const b = `y${freshTenant()}`;
    await store.createTenant(a, { sendRate: 3 });
    await store.createTenant(b);
    await store.createApiKey(a, ['send']);
    const listed = await store.listTenants();
    expect(listed.map((t) => t.tenantId)).toEqual([...listed.map((t) => t.tenantId)].sort());
    expect(listed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tenantId: a, sendRate: 3 }),
        expect.objectContaining({ tenantId: b }),
      ]),
    );
    for (const t of listed) expect(Object.keys(t)).not.toContain('pk');
  });

  it('refuses a duplicate tenant with ConflictError', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    await expect(store.createTenant(id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a malformed tenant id with ValidationError', async () => {
    await expect(store.createTenant('Acme_Inc')).rejects.toBeInstanceOf(ValidationError);
  });

  it('creates a key and authenticates it to its tenant and scopes', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    const { keyId, key } = await store.createApiKey(id, ['send', 'read']);
    expect(key).toMatch(/^mr_[A-Za-z0-9_-]{43}$/);
    await expect(store.authenticate(key)).resolves.toEqual({ tenantId: id, keyId, scopes: ['send', 'read'] });
    await expect(store.authenticate(`${key}x`)).resolves.toBeNull();
    await expect(store.authenticate('')).resolves.toBeNull();
  });

  (backend === 'DynamoDB Local' ? it : it.skip)('stores only the hash of a key, never the key', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    const { key } = await store.createApiKey(id, ['read']);
    const { Item } = await doc.send(
      new GetCommand({ TableName: TABLE, Key: { pk: `KEY#${hashApiKey(key)}`, sk: 'KEY' } }),
    );
    expect(Item).toMatchObject({ tenantId: id, gsi1pk: `TENANT#${id}` });
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: TABLE }));
    expect(JSON.stringify(Items)).not.toContain(key);
  });

  it('seeds a chosen key (the local dev keys) and refuses registering it twice', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    const chosen = `dev-${id}-key`;
    await expect(store.createApiKey(id, ['send', 'read', 'admin'], { key: chosen })).resolves.toMatchObject({
      key: chosen,
    });
    await expect(store.authenticate(chosen)).resolves.toMatchObject({ tenantId: id });
    await expect(store.createApiKey(id, ['send'], { key: chosen })).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses a key for a tenant that does not exist', async () => {
    await expect(store.createApiKey(freshTenant(), ['send'])).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a key’s IP allowlist (v4 and v6, bare addresses as one-address blocks) and hands it to auth', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    const { keyId, key } = await store.createApiKey(id, ['send'], {
      allowIps: ['203.0.113.0/24', '2001:DB8::/32', '198.51.100.7', '203.0.113.0/24'],
    });
    const allowIps = ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32'];
    await expect(store.authenticate(key)).resolves.toEqual({
      tenantId: id,
      keyId,
      scopes: ['send'],
      allowIps,
    });
    await expect(store.listKeys(id)).resolves.toEqual([expect.objectContaining({ keyId, allowIps })]);
    await expect(store.revokeKey(id, keyId)).resolves.toMatchObject({ allowIps });
  });

  it('refuses an allowlist entry that is not a CIDR block, and an empty allowlist', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    for (const bad of [['10.0.0.0/33'], ['example.com'], ['2001:db8::/129'], []]) {
      await expect(store.createApiKey(id, ['send'], { allowIps: bad })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    await expect(store.listKeys(id)).resolves.toEqual([]);
  });

  it('refuses a key without scopes', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    await expect(store.createApiKey(id, [])).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists a tenant’s keys without their hashes, and only that tenant’s', async () => {
    const id = freshTenant();
    const other = freshTenant();
    await store.createTenant(id);
    await store.createTenant(other);
    const a = await store.createApiKey(id, ['send']);
    const b = await store.createApiKey(id, ['read', 'admin']);
    await store.createApiKey(other, ['send']);

    const keys = await store.listKeys(id);
    expect(keys.map((k) => k.keyId)).toEqual([a.keyId, b.keyId]);
    for (const k of keys) {
      expect(Object.keys(k).sort()).toEqual(['createdAt', 'keyId', 'scopes', 'tenantId']);
    }
    const serialized = JSON.stringify(keys);
    expect(serialized).not.toContain(hashApiKey(a.key));
    expect(serialized).not.toContain(a.key);
  });

  it('makes a revoked key fail authentication, and shows when it was revoked', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    const { keyId, key } = await store.createApiKey(id, ['send']);
    const revoked = await store.revokeKey(id, keyId);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    await expect(store.authenticate(key)).resolves.toBeNull();
    await expect(store.listKeys(id)).resolves.toEqual([
      expect.objectContaining({ keyId, revokedAt: revoked.revokedAt }),
    ]);
    // Revoking again keeps the first revocation time.
    await expect(store.revokeKey(id, keyId)).resolves.toMatchObject({ revokedAt: revoked.revokedAt });
  });

  it('revokes by key id alone, and refuses another tenant’s key', async () => {
    const id = freshTenant();
    const other = freshTenant();
    await store.createTenant(id);
    await store.createTenant(other);
    const { keyId, key } = await store.createApiKey(id, ['send']);
    await expect(store.revokeKey(other, keyId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.authenticate(key)).resolves.not.toBeNull();
    await store.revokeKeyById(keyId);
    await expect(store.authenticate(key)).resolves.toBeNull();
    await expect(store.revokeKeyById('no-such-key')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('records a key’s last use at most once per interval, and nothing for an unknown key', async () => {
    const id = freshTenant();
    await store.createTenant(id);
    const { keyId, key } = await store.createApiKey(id, ['read']);
    const other = await store.createApiKey(id, ['send']);
    const at = (s: number) => new Date(Date.parse('2026-12-03T12:00:00.000Z') + s * 1000);
    const lastUsed = async () => (await store.listKeys(id)).map((k) => [k.keyId, k.lastUsedAt]);

    await expect(store.recordKeyUse(key, at(0), 60_000)).resolves.toBe(true);
    await expect(store.recordKeyUse(key, at(30), 60_000)).resolves.toBe(false);
    await expect(store.recordKeyUse(key, at(60), 60_000)).resolves.toBe(false);
    await expect(lastUsed()).resolves.toEqual([
      [keyId, at(0).toISOString()],
      [other.keyId, undefined],
    ]);
    await expect(store.recordKeyUse(key, at(60.001), 60_000)).resolves.toBe(true);
    await expect(lastUsed()).resolves.toEqual([
      [keyId, at(60.001).toISOString()],
      [other.keyId, undefined],
    ]);
    await expect(store.recordKeyUse(`${key}-unknown`, at(0), 60_000)).resolves.toBe(false);
    await expect(store.recordKeyUse('', at(0), 60_000)).resolves.toBe(false);
    await expect(store.authenticate(`${key}-unknown`)).resolves.toBeNull();
  });
});
