import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Counters, MessageStore, SeenEvents } from '../../src';
import {
  createDynamoDocumentClient,
  DynamoCounters,
  DynamoMessageStore,
  DynamoSeenEvents,
} from '../../src/aws';
import { InMemoryCounters, InMemoryMessageStore, InMemorySeenEvents } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-event-stores';
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
  seen(): SeenEvents;
  counters(): Counters;
  messages(): MessageStore;
}

let run = 0;
// The events service's stores and their in-memory twins must behave alike: one suite runs against both.
describe.each<[string, () => Backend]>([
  [
    'DynamoDB Local',
    () => ({
      seen: () => new DynamoSeenEvents(doc, TABLE),
      counters: () => new DynamoCounters(doc, TABLE),
      messages: () => new DynamoMessageStore(doc, TABLE),
    }),
  ],
  [
    'in memory',
    () => {
      const seen = new InMemorySeenEvents();
      const counters = new InMemoryCounters();
      const messages = new InMemoryMessageStore(undefined, counters);
      return { seen: () => seen, counters: () => counters, messages: () => messages };
    },
  ],
])('%s', (_name, backend) => {
  let stores: Backend;
  let prefix: string;
  beforeEach(() => {
    stores = backend();
    prefix = `r${++run}-${Date.now()}`;
  });

  describe('SeenEvents', () => {
    it('gives each id to the first batch, and again to that batch only', async () => {
      const [a, b, c] = ['a', 'b', 'c'].map((x) => `${prefix}-${x}`);
      expect(await stores.seen().claim([a!, b!], 'batch-1')).toEqual(new Set([a, b]));
      expect(await stores.seen().claim([b!, c!], 'batch-2')).toEqual(new Set([c]));
      expect(await stores.seen().claim([a!, b!, c!], 'batch-1')).toEqual(new Set([a, b]));
    });

    it('claims more ids than one round of writes holds', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `${prefix}-${i}`);
      expect((await stores.seen().claim(ids, 'batch-1')).size).toBe(40);
      expect((await stores.seen().claim(ids, 'batch-2')).size).toBe(0);
    });

    it('claims past 100 ids, leaving out, in any chunk, the ids another batch holds', async () => {
      const ids = Array.from({ length: 230 }, (_, i) => `${prefix}-many-${i}`);
      const others = ids.filter((_, i) => i % 7 === 3);
      expect(await stores.seen().claim(others, 'batch-other')).toEqual(new Set(others));
      const mine = await stores.seen().claim(ids, 'batch-1');
      expect(mine).toEqual(new Set(ids.filter((id) => !others.includes(id))));
      // Again by the same batch: the same ids, nothing more.
      expect(await stores.seen().claim(ids, 'batch-1')).toEqual(mine);
    });
  });

  describe('Counters', () => {
    it('adds per tenant-hour and counts a batch once per tenant-hour', async () => {
      const tenant = `t-${prefix}`;
      const counters = stores.counters();
      await counters.add('b1', [
        { tenantId: tenant, hour: '2026-12-01T10', counts: { delivered: 2, opened: 1 } },
        { tenantId: tenant, hour: '2026-12-01T11', counts: { bounced: 1 } },
      ]);
      await counters.add('b1', [
        { tenantId: tenant, hour: '2026-12-01T10', counts: { delivered: 2, opened: 1 } },
      ]);
      await counters.add('b2', [
        { tenantId: tenant, hour: '2026-12-01T10', counts: { delivered: 3, failed: 1 } },
      ]);
      expect(await counters.get(tenant, '2026-12-01T10')).toEqual({ delivered: 5, opened: 1, failed: 1 });
      expect(await counters.get(tenant, '2026-12-01T11')).toEqual({ bounced: 1 });
      expect(await counters.get(tenant, '2026-12-01T12')).toEqual({});
    });

    it("reads a tenant's counted hours of one day in order, without the batch markers or other days", async () => {
      const tenant = `t-${prefix}`;
      const counters = stores.counters();
      await counters.add('b1', [
        { tenantId: tenant, hour: '2026-12-01T23', counts: { sent: 1 } },
        { tenantId: tenant, hour: '2026-12-01T00', counts: { sent: 2, clicked: 1 } },
        { tenantId: tenant, hour: '2026-12-02T00', counts: { sent: 9 } },
        { tenantId: `${tenant}-other`, hour: '2026-12-01T05', counts: { sent: 9 } },
      ]);
      expect(await counters.day(tenant, '2026-12-01')).toEqual([
        { hour: '2026-12-01T00', counts: { sent: 2, clicked: 1 } },
        { hour: '2026-12-01T23', counts: { sent: 1 } },
      ]);
      expect(await counters.day(tenant, '2026-11-30')).toEqual([]);
    });

    it('counts each recorded mail once as queued in its tenant-hour, whether accepted or met on the queue', async () => {
      const tenant = `t-${prefix}`;
      const messages = stores.messages();
      const mail = (id: string, createdAt: string) => ({
        id: `${prefix}-${id}`,
        tenantId: tenant,
        createdAt,
        from: 'shop@acme.example',
        to: ['jane@example.com'],
        subject: 'Hi',
        recipients: ['jane@example.com'],
      });
      await messages.create(mail('a', '2026-12-01T10:15:00.000Z'), { key: `k-${prefix}`, bodyHash: 'h' });
      // The same key again: nothing recorded, nothing counted.
      await messages.create(mail('b', '2026-12-01T10:16:00.000Z'), { key: `k-${prefix}`, bodyHash: 'h' });
      await messages.ensure(mail('c', '2026-12-01T10:59:59.999Z'));
      await messages.ensure(mail('c', '2026-12-01T10:59:59.999Z'));
      await messages.ensure(mail('a', '2026-12-01T10:15:00.000Z'));
      await messages.create(mail('d', '2026-12-01T11:00:00.000Z'));
      expect(await stores.counters().get(tenant, '2026-12-01T10')).toEqual({ queued: 2 });
      expect(await stores.counters().get(tenant, '2026-12-01T11')).toEqual({ queued: 1 });
    });
  });

  describe('MessageStore.findByProviderMessageId', () => {
    it('finds a sent message by its provider and provider id, and nothing for another provider', async () => {
      const messages = stores.messages();
      const id = `m-${prefix}`;
      await messages.create({
        id,
        tenantId: 'acme',
        createdAt: new Date().toISOString(),
        from: 'shop@acme.example',
        to: ['jane@example.com'],
        subject: 'Hi',
        recipients: ['jane@example.com'],
      });
      expect(await messages.findByProviderMessageId('sendgrid', `X-${prefix}`)).toBeUndefined();
      await messages.transition(id, 'acme', {
        status: 'sent',
        provider: 'sendgrid',
        providerMessageId: `X-${prefix}`,
        event: { type: 'sent', provider: 'sendgrid', data: {} },
      });
      expect(await messages.findByProviderMessageId('sendgrid', `X-${prefix}`)).toMatchObject({
        id,
        tenantId: 'acme',
        status: 'sent',
      });
      expect(await messages.findByProviderMessageId('ses', `X-${prefix}`)).toBeUndefined();
    });
  });
});
