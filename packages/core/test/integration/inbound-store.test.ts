import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError, type InboundRecord, type InboundStore } from '../../src';
import { createDynamoDocumentClient, DynamoInboundStore, DynamoRouteStore } from '../../src/aws';
import { InMemoryInboundStore } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-inbound';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1', 'gsi2']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
});
afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

const at = new Date('2026-12-03T10:00:00Z');
let run = 0;
const unique = () => `${++run}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

// The inbound store and its in-memory twin must behave alike: one suite runs against both. Each test
// uses its own tenants and SES ids, so the DynamoDB table is shared without clearing it.
describe.each<[string, () => InboundStore]>([
  ['DynamoDB Local', () => new DynamoInboundStore(doc, TABLE, () => at)],
  ['in memory', () => new InMemoryInboundStore(() => at)],
])('%s', (_name, make) => {
  let store: InboundStore;
  let tenant: string;
  beforeEach(() => {
    store = make();
    tenant = `t-${unique()}`;
  });

  const receiveAt = async (
    receivedAt: string,
    fields: Partial<InboundRecord> = {},
    recipients = ['a@in.example'],
  ): Promise<InboundRecord> => {
    const { record } = await store.receive({
      sesMessageId: `ses-${unique()}`,
      recipients,
      receivedAt,
      rawKey: 'raw/x',
      verdicts: {},
    });
    const updated = await store.update(record.id, { tenantId: tenant, status: 'processed', ...fields });
    return updated!;
  };

  it('records a notification once per SES message id: a redelivery answers the same record', async () => {
    const mail = {
      sesMessageId: `ses-${unique()}`,
      recipients: ['Support@In.Example', 'support@in.example', 'b@in.example'],
      receivedAt: '2026-12-03T09:59:58Z',
      rawKey: 'raw/abc',
      verdicts: { spam: 'PASS', virus: 'FAIL' } as const,
    };
    const first = await store.receive(mail);
    expect(first.created).toBe(true);
    expect(first.record).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      sesMessageId: mail.sesMessageId,
      tenantId: null,
      status: 'received',
      route: null,
      recipients: ['support@in.example', 'b@in.example'],
      from: null,
      to: [],
      subject: null,
      receivedAt: '2026-12-03T09:59:58.000Z',
      updatedAt: at.toISOString(),
      rawKey: 'raw/abc',
      parsedKey: null,
      attachments: [],
      verdicts: { spam: 'PASS', virus: 'FAIL' },
      linkedMessageId: null,
      dsn: null,
      attempts: 0,
      reason: null,
    });
    await store.update(first.record.id, { status: 'processed', subject: 'hi' });
    const again = await store.receive({ ...mail, rawKey: 'raw/other' });
    expect(again.created).toBe(false);
    expect(again.record).toMatchObject({
      id: first.record.id,
      status: 'processed',
      subject: 'hi',
      rawKey: 'raw/abc',
    });
    expect(await store.load(first.record.id)).toEqual(again.record);
  });

  it('updates only from the given statuses, and answers null for a record that is not there', async () => {
    const { record } = await store.receive({
      sesMessageId: `ses-${unique()}`,
      recipients: ['a@in.example'],
      receivedAt: at.toISOString(),
      rawKey: 'raw/a',
      verdicts: {},
    });
    const updated = await store.update(
      record.id,
      {
        status: 'processed',
        tenantId: tenant,
        from: 'x@y.example',
        to: ['a@in.example'],
        attachments: [
          { filename: '請求書.pdf', contentType: 'application/pdf', size: 3, key: `parsed/${record.id}/0` },
        ],
        dsn: {
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: null,
          finalRecipient: 'r@x',
          originalMessageId: null,
        },
        attempts: 1,
      },
      ['received'],
    );
    expect(updated).toMatchObject({
      status: 'processed',
      tenantId: tenant,
      from: 'x@y.example',
      attempts: 1,
    });
    expect(updated?.attachments[0]?.filename).toBe('請求書.pdf');
    expect(await store.update(record.id, { status: 'failed' }, ['received'])).toBeNull();
    expect(await store.update(record.id, { status: 'failed' }, [])).toBeNull();
    expect((await store.load(record.id))?.status).toBe('processed');
    expect(await store.update('01JZZZZZZZZZZZZZZZZZZZZZZZ', { status: 'failed' })).toBeNull();
    expect(await store.update('01JZZZZZZZZZZZZZZZZZZZZZZZ', { status: 'failed' }, ['received'])).toBeNull();
    expect(await store.load('01JZZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull();
  });

  it("answers another tenant's or an unrouted id with null from get, but load finds any", async () => {
    const mine = await receiveAt('2026-12-03T08:00:00.000Z');
    expect((await store.get(tenant, mine.id))?.id).toBe(mine.id);
    expect(await store.get('someone-else', mine.id)).toBeNull();
    const { record: unrouted } = await store.receive({
      sesMessageId: `ses-${unique()}`,
      recipients: ['nobody@nowhere.example'],
      receivedAt: at.toISOString(),
      rawKey: 'raw/u',
      verdicts: {},
    });
    await store.update(unrouted.id, { status: 'unrouted' });
    expect(await store.get(tenant, unrouted.id)).toBeNull();
    expect((await store.load(unrouted.id))?.status).toBe('unrouted');
    expect((await store.list(tenant, {}, { limit: 10 })).items.map((r) => r.id)).toEqual([mine.id]);
  });

  it('lists newest first, filtered by status, recipient, since and until (inclusive)', async () => {
    const a = await receiveAt('2026-12-01T00:00:00.000Z', {}, ['x@in.example']);
    const b = await receiveAt('2026-12-02T00:00:00.000Z', { status: 'failed' }, [
      'y@in.example',
      'x@in.example',
    ]);
    const c = await receiveAt('2026-12-03T00:00:00.000Z', {}, ['y@in.example']);
    const ids = async (filter: Parameters<InboundStore['list']>[1]) =>
      (await store.list(tenant, filter, { limit: 10 })).items.map((r) => r.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ status: 'failed' })).toEqual([b.id]);
    expect(await ids({ status: 'received' })).toEqual([]);
    expect(await ids({ recipient: 'X@in.example' })).toEqual([b.id, a.id]);
    expect(await ids({ since: '2026-12-02T00:00:00Z' })).toEqual([c.id, b.id]);
    expect(await ids({ until: '2026-12-02T00:00:00Z' })).toEqual([b.id, a.id]);
    expect(await ids({ since: '2026-12-01T12:00:00Z', until: '2026-12-02T00:00:00.000Z' })).toEqual([b.id]);
    expect(
      await ids({ recipient: 'y@in.example', since: '2026-12-02T00:00:00Z', status: 'processed' }),
    ).toEqual([c.id]);
    await expect(store.list(tenant, { since: 'yesterday' }, { limit: 10 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('pages with `after` without repeats or gaps, also among mail received in the same millisecond', async () => {
    const made: InboundRecord[] = [];
    for (let i = 0; i < 7; i++) made.push(await receiveAt(`2026-12-0${1 + (i % 3)}T00:00:00.000Z`));
    const expected = [...made]
      .sort((x, y) => (`${x.receivedAt}#${x.id}` < `${y.receivedAt}#${y.id}` ? 1 : -1))
      .map((r) => r.id);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.list(tenant, {}, { limit: 3, after });
      seen.push(...page.items.map((r) => r.id));
      after = page.last;
      pages++;
    } while (after !== undefined && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
    // Exactly a page's worth: no empty page follows.
    const exact = await store.list(tenant, {}, { limit: 7 });
    expect(exact.items).toHaveLength(7);
    expect(exact.last).toBeUndefined();
    // Filtered paging too.
    const firstFailed = await store.list(tenant, { status: 'processed' }, { limit: 4 });
    const rest = await store.list(tenant, { status: 'processed' }, { limit: 4, after: firstFailed.last });
    expect([...firstFailed.items, ...rest.items].map((r) => r.id)).toEqual(expected);
    await expect(store.list(tenant, {}, { limit: 3, after: 'not-a-position' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('lists failed mail of every tenant received since a time, oldest first, paged; a retried one leaves', async () => {
    // Far-future times keep this test's failed mail apart from other tests' on the shared table.
    const base = 3000 + (run % 5000);
    const t = (day: number) => `${base}-01-0${day}T00:00:00.000Z`;
    const old = await receiveAt(t(1), { status: 'failed' });
    const one = await receiveAt(t(2), { status: 'failed' });
    const two = await receiveAt(t(3), { status: 'failed', tenantId: `${tenant}-other` });
    await receiveAt(t(3), { status: 'processed' });
    const three = await receiveAt(t(4), { status: 'failed' });
    const first = await store.failedSince(t(2), { limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual([one.id, two.id]);
    const second = await store.failedSince(t(2), { limit: 2, after: first.last });
    expect(second.items.map((r) => r.id)).toEqual([three.id]);
    expect(second.last).toBeUndefined();
    await store.update(two.id, { status: 'received', attempts: 2 });
    expect((await store.failedSince(t(1), { limit: 10 })).items.map((r) => r.id)).toEqual([
      old.id,
      one.id,
      three.id,
    ]);
  });
});

// Claims and the stuck sweep read every `received` record, so these run on a table of their own with a
// clock the test moves.
const LEASE_TABLE = 'mailroom-test-inbound-leases';
let clock = new Date('2026-12-03T10:00:00Z');
const tick = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
describe.each<[string, () => InboundStore]>([
  ['DynamoDB Local', () => new DynamoInboundStore(doc, LEASE_TABLE, () => clock)],
  ['in memory', () => new InMemoryInboundStore(() => clock)],
])('%s: claims and the stuck sweep', (_name, make) => {
  const LEASE = 300_000;
  let store: InboundStore;
  // The DynamoDB table outlives a test: a test sees only the mail it received.
  let mine: Set<string>;
  beforeAll(async () => {
    if (_name === 'DynamoDB Local') await createTable(db.endpoint, LEASE_TABLE, ['gsi1', 'gsi2']);
  });
  beforeEach(() => {
    store = make();
    mine = new Set();
  });
  const received = async () => {
    const { record } = await store.receive({
      sesMessageId: `ses-${unique()}`,
      recipients: ['a@in.example'],
      receivedAt: clock.toISOString(),
      rawKey: 'raw/a',
      verdicts: {},
    });
    mine.add(record.id);
    return record;
  };
  const stuckIds = async () =>
    (await store.stuck(LEASE, { limit: 100 })).items.map((r) => r.id).filter((id) => mine.has(id));

  it('lets one of two claims at the same moment win; the lease ends it, and a status write releases it', async () => {
    const record = await received();
    const [a, b] = await Promise.all([store.claim(record.id, LEASE), store.claim(record.id, LEASE)]);
    expect([a, b].filter((r) => r !== null)).toHaveLength(1);
    expect((a ?? b)?.attempts).toBe(1);
    tick(LEASE - 1);
    expect(await store.claim(record.id, LEASE)).toBeNull();
    tick(1);
    expect((await store.claim(record.id, LEASE))?.attempts).toBe(2);
    await store.update(record.id, { status: 'failed' }, ['received']);
    expect(await store.claim(record.id, LEASE)).toBeNull();
    await store.update(record.id, { status: 'received' }, ['failed']);
    expect((await store.claim(record.id, LEASE))?.attempts).toBe(3);
    expect(await store.claim('01JZZZZZZZZZZZZZZZZZZZZZZZ', LEASE)).toBeNull();
  });

  it('finds received mail whose lease ended or that sat unclaimed past the idle time, and frees it once', async () => {
    tick(86_400_000);
    const claimed = await received();
    await store.claim(claimed.id, LEASE);
    const unclaimed = await received();
    const done = await received();
    await store.update(done.id, { status: 'processed' });
    tick(LEASE - 1);
    expect(await stuckIds()).toEqual([]);
    expect(await store.free(claimed.id, LEASE)).toBeNull();
    tick(1);
    expect(await stuckIds()).toEqual([claimed.id, unclaimed.id]);
    const freed = await store.free(claimed.id, LEASE);
    expect(freed).toMatchObject({ id: claimed.id, status: 'received', updatedAt: clock.toISOString() });
    expect(await store.free(claimed.id, LEASE)).toBeNull();
    expect(await store.free(done.id, LEASE)).toBeNull();
    expect(await stuckIds()).toEqual([unclaimed.id]);
    // Freed, it is claimable at once, and stuck again only an idle time later.
    expect(await store.claim(claimed.id, LEASE)).not.toBeNull();
    await store.update(unclaimed.id, { subject: 'touched' });
    expect(await stuckIds()).toEqual([]);
    tick(LEASE);
    expect(await stuckIds()).toEqual([claimed.id, unclaimed.id]);
    await store.update(claimed.id, { status: 'processed' });
    await store.update(unclaimed.id, { status: 'failed' });
    expect(await stuckIds()).toEqual([]);
  });
});

describe('DynamoInboundStore beside the route store', () => {
  it('shares the inbound table with routes without either seeing the other', async () => {
    const routes = new DynamoRouteStore(doc, TABLE, () => at);
    const store = new DynamoInboundStore(doc, TABLE, () => at);
    await routes.put({
      pattern: `*@shared-${unique()}.example`,
      tenantId: 'ROUTES',
      destination: { type: 'store' },
    });
    const { record } = await store.receive({
      sesMessageId: `ses-${unique()}`,
      recipients: ['a@in.example'],
      receivedAt: at.toISOString(),
      rawKey: 'raw/a',
      verdicts: {},
    });
    await store.update(record.id, { tenantId: 'ROUTES', status: 'processed' });
    expect((await store.list('ROUTES', {}, { limit: 10 })).items.map((r) => r.id)).toEqual([record.id]);
    expect((await routes.list()).every((r) => r.pattern.includes('@'))).toBe(true);
  });
});
