import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '@mailroom/core/aws';
import { dayWindow, HOUR_MS, type BudgetStore, type Hold } from './budget-store';

/**
 * The send budget's items in the messages table (docs/design-notes.md): `pk = RATE#<account>`, with
 * `sk = RATE` holding the per-second budget's `tat` (epoch ms), `sk = HOLD#<until>#<from>` its holds (budget.ts
 * "Late sends"; a TTL removes them), and `sk = DAY` the 24-hour counts, `hours` (epoch hour → units) under a
 * version `v`.
 */
export class DynamoBudgetStore implements BudgetStore {
  /** What this container last saw of each account's tat: busy accounts try the one-write path first. */
  private readonly lastTat = new Map<string, number>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One write, no read, on a busy budget (tat ahead of now, the case that matters at a high rate):
   * `tat = tat + size` on condition that tat is in [now, now + maxAhead]. On an idle one (tat behind now):
   * `tat = now + size` on condition that tat is behind now. Neither loses a race to another container —
   * the conditions hold or not whatever the others wrote — so the writes never repeat under contention.
   * A failed write returns the item as it was (`ReturnValuesOnConditionCheckFailure`), which says which
   * write fits, or that the budget is booked out past maxAhead: a refusal costs the one failed write, and
   * a switch between busy and idle one more.
   */
  async advance(
    account: string,
    { sizeMs, now, maxAheadMs }: { sizeMs: number; now: number; maxAheadMs: number },
  ): Promise<{ from: number } | { busyUntil: number }> {
    const key = { pk: `RATE#${account}`, sk: 'RATE' };
    let tat = this.lastTat.get(account);
    for (;;) {
      const got =
        tat !== undefined && tat >= now
          ? await this.write(key, busyWrite(sizeMs, now, maxAheadMs))
          : await this.write(key, idleWrite(sizeMs, now));
      if ('from' in got) {
        this.lastTat.set(account, got.from + sizeMs);
        return got;
      }
      tat = got.tat;
      if (tat !== undefined) this.lastTat.set(account, tat);
      if (tat !== undefined && tat - now > maxAheadMs) return { busyUntil: tat };
    }
  }

  /** One conditional write of the tat; on a failed condition, the tat the item had (none: no item). */
  private async write(
    key: Record<string, string>,
    write: TatWrite,
  ): Promise<{ from: number } | { tat: number | undefined }> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          ...write.update,
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { from: write.from(result.Attributes?.tat as number) };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // The document client passes the error on as the service sent it: the old item in DynamoDB's own
      // attribute-value form.
      const old = (err as { Item?: { tat?: { N?: string } } }).Item?.tat?.N;
      return { tat: old === undefined ? undefined : Number(old) };
    }
  }

  /** One strongly consistent query of the holds that end after now (their sort keys start with `until`). */
  async holds(account: string, now: number): Promise<Hold[]> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
        ExpressionAttributeValues: {
          ':pk': `RATE#${account}`,
          ':low': `HOLD#${stamp(now)}`,
          ':high': 'HOLD#~',
        },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []).map((item) => ({ from: item.from as number, until: item.until as number }));
  }

  async addHold(account: string, hold: Hold): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `RATE#${account}`,
          sk: `HOLD#${stamp(hold.until)}#${stamp(hold.from)}`,
          from: hold.from,
          until: hold.until,
          expiresAt: Math.ceil(hold.until / 1000) + 3600,
        },
      }),
    );
  }

  /** Read, then a write conditional on the version read; a lost race reads again. */
  async countDay(
    account: string,
    { units, now, max }: { units: number; now: number; max: number },
  ): Promise<{ units: number } | { retryAt: number }> {
    const key = { pk: `RATE#${account}`, sk: 'DAY' };
    for (;;) {
      const current = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const seen = current.Item?.v as number | undefined;
      const { kept, fits, retryAt } = dayWindow(
        (current.Item?.hours as Record<string, number> | undefined) ?? {},
        now,
        units,
        max,
      );
      if (!fits) return { retryAt };
      const hour = String(Math.floor(now / HOUR_MS));
      kept[hour] = (kept[hour] ?? 0) + units;
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET #hours = :hours, v = :next',
            ConditionExpression: seen === undefined ? 'attribute_not_exists(v)' : 'v = :seen',
            ExpressionAttributeNames: { '#hours': 'hours' },
            ExpressionAttributeValues: {
              ':hours': kept,
              ':next': (seen ?? 0) + 1,
              ...(seen !== undefined && { ':seen': seen }),
            },
          }),
        );
        return { units };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
  }
}

interface TatWrite {
  update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'>;
  /** Where the slot starts, from the tat the write left. */
  from(tat: number): number;
}

/** A busy budget: `tat + size`, if tat is in [now, now + maxAhead]. */
const busyWrite = (sizeMs: number, now: number, maxAheadMs: number): TatWrite => ({
  update: {
    UpdateExpression: 'SET tat = tat + :size',
    ConditionExpression: Number.isFinite(maxAheadMs) ? 'tat >= :now AND tat <= :limit' : 'tat >= :now',
    ExpressionAttributeValues: {
      ':size': sizeMs,
      ':now': now,
      ...(Number.isFinite(maxAheadMs) && { ':limit': now + maxAheadMs }),
    },
  },
  from: (tat) => tat - sizeMs,
});

/** An idle budget (or none yet): `now + size`, if tat is behind now. */
const idleWrite = (sizeMs: number, now: number): TatWrite => ({
  update: {
    UpdateExpression: 'SET tat = :end',
    ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
    ExpressionAttributeValues: { ':end': now + sizeMs, ':now': now },
  },
  from: () => now,
});

/** Epoch ms as a fixed-width, sortable string (fractions kept: slot times are fractional). */
const stamp = (ms: number) => ms.toFixed(3).padStart(17, '0');
