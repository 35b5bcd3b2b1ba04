import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId, type MessageFilter, type NewMessage } from '../../src';
import { createDynamoDocumentClient, DynamoMessageStore } from '../../src/aws';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

jest.setTimeout(180_000);

const TABLE = 'mailroom-test-message-paging';
const EXISTING = 300;
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;
let store: DynamoMessageStore;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1', 'gsi2', 'gsi3', 'gsi4']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
  store = new DynamoMessageStore(doc, TABLE);
});
afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

const base = Date.parse('2026-12-01T00:00:00.000Z');
/** Every third message shares its creation millisecond with the one before: ties are ordered by id. */
const createdAt = (i: number) => new Date(base + (i - (i % 3 === 2 ? 1 : 0)) * 1000).toISOString();

const message = (tenantId: string, i: number, at = createdAt(i)): NewMessage => ({
  id: newId(),
  tenantId,
  createdAt: at,
  from: 'shop@acme.example',
  to: [i % 2 === 0 ? 'even@example.com' : 'odd@example.com'],
  subject: `m${i}`,
  recipients: [i % 2 === 0 ? 'even@example.com' : 'odd@example.com', 'all@example.com'],
});

/** Creates `count` messages a few at a time (DynamoDB Local is one Java process). */
async function createAll(messages: NewMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    await Promise.all(messages.slice(i, i + 10).map((m) => store.create(m)));
  }
}

const position = (m: { createdAt: string; id: string }) => `${m.createdAt}#${m.id}`;

/**
 * Pages through a listing to its end while `writer` keeps recording mail; returns the pages' items in order.
 * Each page is a fresh call from the previous page's `last`, as the API makes one per request.
 */
async function pageThrough(
  tenantId: string,
  filter: MessageFilter,
  limit: number,
  writer: () => Promise<void>,
) {
  const seen: { id: string; createdAt: string }[] = [];
  let after: string | undefined;
  let writing = true;
  const writes = (async () => {
    while (writing) await writer();
  })();
  try {
    for (let pages = 0; pages < 1000; pages++) {
      const page = await store.list(tenantId, filter, { limit, ...(after !== undefined && { after }) });
      seen.push(...page.items.map(({ id, createdAt: at }) => ({ id, createdAt: at })));
      if (page.last === undefined) return seen;
      after = page.last;
    }
    throw new Error('the listing did not end');
  } finally {
    writing = false;
    await writes;
  }
}

describe('MessageStore.list on DynamoDB Local while mail keeps arriving', () => {
  it.each<[string, MessageFilter, (i: number) => boolean, number]>([
    ['every message (gsi2, tenant)', {}, () => true, 25],
    ['a status (gsi1)', { status: 'queued' }, () => true, 7],
    [
      'a recipient (gsi2, recipient entries, heads read after)',
      { recipient: 'Even@example.com' },
      (i) => i % 2 === 0,
      13,
    ],
    [
      'a time window',
      { since: createdAt(50), until: createdAt(249) },
      (i) => createdAt(i) >= createdAt(50) && createdAt(i) <= createdAt(249),
      30,
    ],
  ])(
    'pages %s newest first, with no repeat and no gap among the mail that was there',
    async (_name, filter, included, limit) => {
      const tenantId = `paging-${newId()}`;
      const existing = Array.from({ length: EXISTING }, (_, i) => message(tenantId, i));
      await createAll(existing);
      // New mail, as it arrives: created now, so newer than everything listed.
      let arrivals = 0;
      const writer = async () => {
        const batch = Array.from({ length: 5 }, () =>
          message(tenantId, EXISTING + arrivals++, new Date().toISOString()),
        );
        await Promise.all(batch.map((m) => store.create(m)));
      };

      const seen = await pageThrough(tenantId, filter, limit, writer);
      expect(arrivals).toBeGreaterThan(0);

      const ids = seen.map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      const positions = seen.map(position);
      expect(positions).toEqual([...positions].sort().reverse());
      const expected = existing
        .map((m, i) => ({ m, i }))
        .filter(({ i }) => included(i))
        .map(({ m }) => m)
        .sort((a, b) => (position(a) < position(b) ? 1 : -1))
        .map((m) => m.id);
      const before = new Set(existing.map((m) => m.id));
      expect(ids.filter((id) => before.has(id))).toEqual(expected);
      // Mail that arrived during the listing is newer than everything that was there: it can only have made
      // the first page (if it came before that page was read), never a later one.
      const firstExisting = ids.findIndex((id) => before.has(id));
      expect(ids.slice(firstExisting).every((id) => before.has(id))).toBe(true);
    },
  );
});
