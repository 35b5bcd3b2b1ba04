import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
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
   * the conditions hold or not whatever the others wrote — so the writes never repeat under contention;
   * only a switch between busy and idle costs a failed write, and a refusal one read.
   */
  async advance(
    account: string,
    { sizeMs, now, maxAheadMs }: { sizeMs: number; now: number; maxAheadMs: number },
  ): Promise<{ from: number } | { busyUntil: number }> {
    const key = { pk: `RATE#${account}`, sk: 'RATE' };
    let busyFirst = (this.lastTat.get(account) ?? 0) >= now;
    for (let tries = 0; ; tries += 1) {
      const got = busyFirst
        ? await this.busy(key, sizeMs, now, maxAheadMs)
        : await this.idle(key, sizeMs, now);
      if (got !== undefined) {
        this.lastTat.set(account, got + sizeMs);
        return { from: got };
      }
      if (tries % 2 === 1) {
        // Both conditions failed: the budget is booked out past maxAhead, or it changed between the writes.
        const current = await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        );
        const tat = current.Item?.tat as number | undefined;
        if (tat !== undefined) this.lastTat.set(account, tat);
        if (tat !== undefined && tat - now > maxAheadMs) return { busyUntil: tat };
      }
      busyFirst = !busyFirst;
    }
  }

  private async busy(
    key: Record<string, string>,
    sizeMs: number,
    now: number,
    maxAheadMs: number,
  ): Promise<number | undefined> {
    try {
      const result = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET tat = tat + :size',
          ConditionExpression: Number.isFinite(maxAheadMs) ? 'tat >= :now AND tat <= :limit' : 'tat >= :now',
          ExpressionAttributeValues: {
            ':size': sizeMs,
            ':now': now,
            ...(Number.isFinite(maxAheadMs) && { ':limit': now + maxAheadMs }),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return (result.Attributes?.tat as number) - sizeMs;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  private async idle(key: Record<string, string>, sizeMs: number, now: number): Promise<number | undefined> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET tat = :end',
          ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
          ExpressionAttributeValues: { ':end': now + sizeMs, ':now': now },
        }),
      );
      return now;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
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

/** Epoch ms as a fixed-width, sortable string (fractions kept: slot times are fractional). */
const stamp = (ms: number) => ms.toFixed(3).padStart(17, '0');
