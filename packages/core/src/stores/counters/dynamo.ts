import { createHash } from 'node:crypto';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes } from '../../aws/dynamo-errors';
import {
  COUNTED_BATCH_TTL_SECONDS,
  STAT_COUNTERS,
  type CounterCounts,
  type CounterDelta,
  type Counters,
} from './port';

/** docs/design-notes.md: `pk = STAT#<tenant>#<YYYY-MM-DD>`, `sk = <HH>`, one numeric attribute per counter. */
export const counterKey = (tenantId: string, hour: string) => ({
  pk: `STAT#${tenantId}#${hour.slice(0, 10)}`,
  sk: hour.slice(11, 13),
});

/**
 * Counters on the messages table. Each tenant-hour of a batch is one transaction: an ADD to the counter
 * item and a marker `sk = BATCH#<HH>#<hash of the batch id>` that exists only if the batch was counted
 * there already, so a retried batch cannot count twice.
 */
export class DynamoCounters implements Counters {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async add(batchId: string, deltas: readonly CounterDelta[]): Promise<void> {
    const batch = createHash('sha256').update(batchId).digest('base64url');
    const expiresAt = Math.floor(this.now().getTime() / 1000) + COUNTED_BATCH_TTL_SECONDS;
    await Promise.all(deltas.map((delta) => this.addOne(batch, expiresAt, delta)));
  }

  private async addOne(batch: string, expiresAt: number, { tenantId, hour, counts }: CounterDelta) {
    const entries = Object.entries(counts).filter(([, n]) => n !== undefined && n !== 0);
    if (entries.length === 0) return;
    const key = counterKey(tenantId, hour);
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    entries.forEach(([name, n], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = n!;
    });
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: key.pk, sk: `BATCH#${key.sk}#${batch}`, expiresAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
          ],
        }),
      );
    } catch (err) {
      // The marker exists: this batch already counted this tenant-hour.
      if (cancellationCodes(err)?.[0] === 'ConditionalCheckFailed') return;
      throw err;
    }
  }

  async get(tenantId: string, hour: string): Promise<CounterCounts> {
    const found = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: counterKey(tenantId, hour), ConsistentRead: true }),
    );
    return countsOf(found.Item);
  }

  async day(tenantId: string, day: string): Promise<{ hour: string; counts: CounterCounts }[]> {
    const hours: { hour: string; counts: CounterCounts }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      // Hours are `sk` 00–23; the batch markers (`BATCH#…`) sort after them and are left out.
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: {
            ':pk': counterKey(tenantId, `${day}T00`).pk,
            ':first': '00',
            ':last': '23',
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? [])
        hours.push({ hour: `${day}T${String(item.sk)}`, counts: countsOf(item) });
      start = page.LastEvaluatedKey;
    } while (start);
    return hours;
  }
}

const countsOf = (item: Record<string, unknown> | undefined): CounterCounts => {
  const counts: CounterCounts = {};
  for (const name of STAT_COUNTERS) {
    const n = item?.[name];
    if (typeof n === 'number') counts[name] = n;
  }
  return counts;
};
