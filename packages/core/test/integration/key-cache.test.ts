import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDocumentClient, DynamoTenantStore } from '../../src/aws';
import { CachedKeyAuthenticator } from '../../src/http';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-key-cache';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let tenants: DynamoTenantStore;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
  tenants = new DynamoTenantStore(doc, TABLE);
  await tenants.createTenant('acme');
});

afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

/** The write is fire-and-forget: wait for it by watching the item, as an operator's `key list` would. */
const lastUsedOf = async (keyId: string) =>
  (await tenants.listKeys('acme')).find((k) => k.keyId === keyId)?.lastUsedAt;

describe('CachedKeyAuthenticator on DynamoDB Local', () => {
  let t: number;
  const now = () => t;
  beforeEach(() => {
    t = Date.parse('2026-12-03T12:00:00.000Z');
  });

  it('refuses a key revoked in the table once the TTL has passed, and records its use once', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    const writes = jest.spyOn(tenants, 'recordKeyUse');
    const keys = new CachedKeyAuthenticator(tenants, { ttlMs: 3_000, now, logger: { warn: jest.fn() } });
    for (let i = 0; i < 10; i += 1) {
      await expect(keys.authenticate(key)).resolves.toMatchObject({ tenantId: 'acme', keyId });
      t += 100;
    }
    await writes.mock.results[0]?.value;
    expect(writes).toHaveBeenCalledTimes(1);
    await expect(lastUsedOf(keyId)).resolves.toBe('2026-12-03T12:00:00.000Z');

    await tenants.revokeKeyById(keyId); // what `mailroom key revoke` does
    t += 2_000; // 3 s after the lookup at 12:00:00
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
    t += 1;
    await expect(keys.authenticate(key)).resolves.toBeNull();
    writes.mockRestore();
  });

  it('answers the request when DynamoDB refuses the lastUsedAt write', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    // A real failure from DynamoDB Local: the write goes to a table that does not exist.
    const missing = new DynamoTenantStore(doc, `${TABLE}-missing`);
    const warn = jest.fn();
    const failedWrite = jest.spyOn(missing, 'recordKeyUse');
    const keys = new CachedKeyAuthenticator(
      { authenticate: (k) => tenants.authenticate(k), recordKeyUse: (...a) => missing.recordKeyUse(...a) },
      { ttlMs: 3_000, now, logger: { warn } },
    );
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
    await expect(failedWrite.mock.results[0]?.value).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ keyId }));
    await expect(lastUsedOf(keyId)).resolves.toBeUndefined();
  });
});
