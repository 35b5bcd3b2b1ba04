import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  DISABLE_AFTER_FAILURES,
  DISABLE_AFTER_HOURS,
  MAX_WEBHOOK_ENDPOINTS,
  newId,
  WebhookLimitError,
  type NewWebhookEndpoint,
  type WebhookEndpointStore,
} from '../../src';
import { createDynamoDocumentClient, DynamoWebhookEndpointStore } from '../../src/aws';
import { InMemoryWebhookEndpointStore } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-webhooks';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
});
afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

const HOUR = 3_600_000;
let run = 0;

// The store and its in-memory twin must behave alike: one suite runs against both.
describe.each<[string, (now: () => Date) => WebhookEndpointStore]>([
  ['DynamoDB Local', (now) => new DynamoWebhookEndpointStore(doc, TABLE, now)],
  ['in memory', (now) => new InMemoryWebhookEndpointStore(now)],
])('%s', (_name, make) => {
  let clock: Date;
  let store: WebhookEndpointStore;
  let tenant: string;
  const endpoint = (overrides: Partial<NewWebhookEndpoint> = {}): NewWebhookEndpoint => {
    const id = newId();
    return {
      id,
      tenantId: tenant,
      url: `https://hooks.example/${id}`,
      events: ['delivered', 'bounced'],
      secretParameter: `/mailroom/test/webhooks/${tenant}/${id}`,
      ...overrides,
    };
  };
  beforeEach(() => {
    clock = new Date('2026-12-03T10:00:00Z');
    store = make(() => clock);
    tenant = `t${++run}-${Date.now()}`;
  });

  it('creates an active endpoint and lists the tenant’s endpoints oldest first, no one else’s', async () => {
    const first = await store.create(endpoint());
    const second = await store.create(endpoint({ events: ['failed'] }));
    await store.create(endpoint({ tenantId: `${tenant}-other` }));
    expect(first).toEqual({
      ...endpoint({ id: first.id, url: first.url, secretParameter: first.secretParameter }),
      status: 'active',
      failures: 0,
      createdAt: clock.toISOString(),
    });
    expect(await store.list(tenant)).toEqual([first, second]);
    expect(await store.listActive(tenant)).toEqual([first, second]);
    expect(await store.get(tenant, first.id)).toEqual(first);
    expect(await store.get(`${tenant}-other`, first.id)).toBeNull();
  });

  it(`refuses the ${MAX_WEBHOOK_ENDPOINTS + 1}th endpoint of a tenant, and takes one again after a removal`, async () => {
    const made = [];
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++) made.push(await store.create(endpoint()));
    await expect(store.create(endpoint())).rejects.toBeInstanceOf(WebhookLimitError);
    expect(await store.list(tenant)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    // Another tenant is not affected.
    await expect(store.create(endpoint({ tenantId: `${tenant}-b` }))).resolves.toBeDefined();
    expect(await store.remove(tenant, made[0]!.id)).toBe(true);
    await expect(store.create(endpoint())).resolves.toBeDefined();
  });

  it('refuses an id that exists, without counting it', async () => {
    const first = await store.create(endpoint());
    await expect(store.create(endpoint({ id: first.id }))).rejects.toBeInstanceOf(ConflictError);
    for (let i = 1; i < MAX_WEBHOOK_ENDPOINTS; i++) await store.create(endpoint());
    expect(await store.list(tenant)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
  });

  it('removes only the tenant’s own endpoint; a second removal is false', async () => {
    const mine = await store.create(endpoint());
    expect(await store.remove(`${tenant}-other`, mine.id)).toBe(false);
    expect(await store.remove(tenant, mine.id)).toBe(true);
    expect(await store.remove(tenant, mine.id)).toBe(false);
    expect(await store.list(tenant)).toEqual([]);
  });

  it('counts failures, keeps the first failure time, and resets on success', async () => {
    const made = await store.create(endpoint());
    expect(await store.recordFailure(tenant, made.id, 'answered 503')).toEqual({
      failures: 1,
      disabled: false,
    });
    clock = new Date(clock.getTime() + HOUR);
    expect(await store.recordFailure(tenant, made.id, 'x'.repeat(1_000))).toEqual({
      failures: 2,
      disabled: false,
    });
    const failing = await store.get(tenant, made.id);
    expect(failing).toMatchObject({
      failures: 2,
      firstFailureAt: '2026-12-03T10:00:00.000Z',
      status: 'active',
    });
    expect(failing?.lastError).toHaveLength(300);
    await store.recordSuccess(tenant, made.id);
    const healed = await store.get(tenant, made.id);
    expect(healed?.failures).toBe(0);
    expect(healed?.firstFailureAt).toBeUndefined();
    // A success on a healthy endpoint changes nothing.
    await store.recordSuccess(tenant, made.id);
    expect((await store.get(tenant, made.id))?.failures).toBe(0);
  });

  it(`disables after ${DISABLE_AFTER_FAILURES} consecutive failures spanning ${DISABLE_AFTER_HOURS} hours, not before`, async () => {
    const made = await store.create(endpoint());
    for (let i = 1; i < DISABLE_AFTER_FAILURES + 5; i++) {
      // Many failures within the first hour: not sustained yet.
      expect(await store.recordFailure(tenant, made.id, 'down')).toEqual({ failures: i, disabled: false });
    }
    clock = new Date(clock.getTime() + DISABLE_AFTER_HOURS * HOUR - 1_000);
    expect((await store.recordFailure(tenant, made.id, 'down'))?.disabled).toBe(false);
    clock = new Date(clock.getTime() + 1_000);
    expect(await store.recordFailure(tenant, made.id, 'down')).toEqual({
      failures: DISABLE_AFTER_FAILURES + 6,
      disabled: true,
    });
    const disabled = await store.get(tenant, made.id);
    expect(disabled).toMatchObject({ status: 'disabled', disabledAt: clock.toISOString() });
    expect(await store.listActive(tenant)).toEqual([]);
    expect(await store.list(tenant)).toHaveLength(1);
    // Already disabled: further failures do not disable it again.
    expect((await store.recordFailure(tenant, made.id, 'down'))?.disabled).toBe(false);
  });

  it('does not disable after a long time with few failures', async () => {
    const made = await store.create(endpoint());
    await store.recordFailure(tenant, made.id, 'down');
    clock = new Date(clock.getTime() + 10 * DISABLE_AFTER_HOURS * HOUR);
    expect(await store.recordFailure(tenant, made.id, 'down')).toEqual({ failures: 2, disabled: false });
  });

  it('records nothing for an endpoint that is gone', async () => {
    const gone = newId();
    expect(await store.recordFailure(tenant, gone, 'down')).toBeNull();
    await expect(store.recordSuccess(tenant, gone)).resolves.toBeUndefined();
    expect(await store.get(tenant, gone)).toBeNull();
  });
});
