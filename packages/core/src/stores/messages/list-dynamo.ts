import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MessageStatus } from '../../schemas';
import { isoTime, positionId, untilBound } from '../inbound/items';
import type { MessageFilter, MessagePage, MessageRecord } from './port';

/** A filtered listing reads at most this many index pages per call, then answers what it has and where it stopped. */
const MAX_PAGES_PER_LIST = 10;
/** BatchGetItem takes at most 100 keys (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
const BATCH_GET_MAX = 100;
/** Rounds of BatchGetItem for keys it left unprocessed (with backoff) before the listing fails (a 500). */
const MAX_BATCH_ROUNDS = 5;

type Item = Record<string, unknown>;

/** How one listing reads: which index, which partition, and how its items become message heads. */
interface Plan {
  index: 'gsi1' | 'gsi2';
  pk: string;
  /** The table key of an index item at a position (for ExclusiveStartKey). */
  tableKey(id: string): Item;
  /** Index items are recipient entries, not message heads: read the heads after. */
  viaRecipients: boolean;
  /** A status the heads must have (checked after reading them). */
  status?: MessageStatus;
}

/**
 * Plans a listing on the messages table's indexes (docs/design-notes.md):
 * - no recipient, a status: gsi1, `T#<tenant>#S#<status>`, the heads of that status;
 * - no recipient, no status: gsi2, `T#<tenant>`, every head of the tenant;
 * - a recipient: gsi2, `T#<tenant>#R#<email>`, one entry per message with that recipient; the heads are
 *   read after (BatchGetItem) and the status, if any, checked on them.
 * Every partition is sorted by `<createdAt>#<id>`, which is also the position a page ends at.
 */
function plan(tenantId: string, filter: MessageFilter): Plan {
  const head = (id: string) => ({ pk: `MSG#${id}`, sk: 'MSG' });
  if (filter.recipient !== undefined) {
    const email = filter.recipient.toLowerCase();
    return {
      index: 'gsi2',
      pk: `T#${tenantId}#R#${email}`,
      tableKey: (id) => ({ pk: `MSG#${id}`, sk: `RCPT#${email}` }),
      viaRecipients: true,
      ...(filter.status !== undefined && { status: filter.status }),
    };
  }
  if (filter.status !== undefined) {
    return { index: 'gsi1', pk: `T#${tenantId}#S#${filter.status}`, tableKey: head, viaRecipients: false };
  }
  return { index: 'gsi2', pk: `T#${tenantId}`, tableKey: head, viaRecipients: false };
}

/**
 * MessageStore.list on DynamoDB: reads the planned index newest first from `after`, `limit + 1` at a
 * time, until it has one more item than asked (so more are known to follow) or the index ends. A listing
 * whose items are checked after reading (recipient with status) stops after MAX_PAGES_PER_LIST reads
 * and answers what it found with the position it reached, so one call never reads a whole tenant.
 */
export async function listMessages(
  doc: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  filter: MessageFilter,
  { limit, after }: { limit: number; after?: string },
  toRecord: (item: Item) => MessageRecord,
): Promise<MessagePage> {
  const since = filter.since === undefined ? undefined : isoTime(filter.since, 'since');
  const until = filter.until === undefined ? undefined : untilBound(isoTime(filter.until, 'until'));
  const p = plan(tenantId, filter);
  const sk = `${p.index}sk`;
  const values: Item = { ':pk': p.pk };
  let range = '';
  if (since !== undefined) values[':since'] = since;
  if (until !== undefined) values[':until'] = until;
  if (since !== undefined && until !== undefined) range = ` AND ${sk} BETWEEN :since AND :until`;
  else if (since !== undefined) range = ` AND ${sk} >= :since`;
  else if (until !== undefined) range = ` AND ${sk} <= :until`;
  let start: Item | undefined =
    after === undefined
      ? undefined
      : { ...p.tableKey(positionId(after)), [`${p.index}pk`]: p.pk, [sk]: after };
  const found: MessageRecord[] = [];
  const checked = p.status !== undefined;
  for (let reads = 0; ; reads++) {
    if (reads === MAX_PAGES_PER_LIST && start) return { items: found, last: String(start[sk]) };
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: p.index,
        KeyConditionExpression: `${p.index}pk = :pk${range}`,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: checked ? Math.max(BATCH_GET_MAX, limit + 1) : limit + 1 - found.length,
        ExclusiveStartKey: start,
      }),
    );
    const items = page.Items ?? [];
    const heads = p.viaRecipients ? await readHeads(doc, tableName, items, sk) : items.map(toRecord);
    found.push(...heads.filter((m) => p.status === undefined || m.status === p.status));
    start = page.LastEvaluatedKey;
    if (found.length > limit) {
      const kept = found.slice(0, limit);
      const last = kept[kept.length - 1]!;
      return { items: kept, last: `${last.createdAt}#${last.id}` };
    }
    if (!start) return { items: found };
  }

  /** The heads of the messages the recipient entries name, in the entries' order; a vanished one is skipped. */
  async function readHeads(
    client: DynamoDBDocumentClient,
    table: string,
    entries: Item[],
    sortKey: string,
  ): Promise<MessageRecord[]> {
    const ids = entries.map((e) => positionId(String(e[sortKey])));
    const byId = new Map<string, MessageRecord>();
    for (let i = 0; i < ids.length; i += BATCH_GET_MAX) {
      let keys: Item[] | undefined = ids
        .slice(i, i + BATCH_GET_MAX)
        .map((id) => ({ pk: `MSG#${id}`, sk: 'MSG' }));
      // BatchGetItem may leave keys unprocessed under load: ask again for those, backing off, a few times.
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round === MAX_BATCH_ROUNDS) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed`);
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
        const got = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }));
        for (const item of got.Responses?.[table] ?? []) byId.set(String(item.id), toRecord(item));
        keys = got.UnprocessedKeys?.[table]?.Keys as Item[] | undefined;
      }
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}
