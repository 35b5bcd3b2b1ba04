import {
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionFailure } from '../../aws/dynamo-errors';
import { isoTime, newInbound, position, positionId, toInbound, untilBound } from './items';
import type {
  InboundFilter,
  InboundPage,
  InboundRecord,
  InboundStatus,
  InboundStore,
  InboundUpdate,
  NewInbound,
} from './port';

const recordKey = (id: string) => ({ pk: `INBOUND#${id}`, sk: 'INBOUND' });
const guardKey = (sesMessageId: string) => ({ pk: `SES#${sesMessageId}`, sk: 'SES' });
const tenantIndex = (tenantId: string) => `INBOUND#T#${tenantId}`;
const FAILED_INDEX = 'INBOUND#FAILED';
const RECEIVED_INDEX = 'INBOUND#RECEIVED';
/** Which gsi2 partition a status puts the record in (none for the ends that are never picked up again). */
const statusIndex = (status: InboundStatus): string | null =>
  status === 'failed' ? FAILED_INDEX : status === 'received' ? RECEIVED_INDEX : null;
/** A claimed record's lease end (ISO time): an item attribute only, not a record field. */
const LEASE = 'leaseUntil';
/** The `stuck` test: lease ended, or never claimed and unchanged since :idle. */
const STUCK = `(${LEASE} <= :now OR (attribute_not_exists(${LEASE}) AND updatedAt <= :idle))`;
/** A filtered listing reads at most this many index pages per call, then answers what it has and where it stopped. */
const MAX_PAGES_PER_LIST = 10;

/**
 * InboundStore on the inbound table (beside the routes, whose keys start `ROUTE#`/`ROUTES`):
 * - the record: `pk = INBOUND#<id>, sk = INBOUND`;
 * - a guard per SES message id, `pk = SES#<sesMessageId>, sk = SES`, holding the record's id, written in
 *   the same transaction as the record: a redelivered notification cannot make a second record;
 * - gsi1, the tenant's mail newest first: `gsi1pk = INBOUND#T#<tenantId>` (set once the mail is routed;
 *   unrouted mail belongs to no tenant), `gsi1sk = <receivedAt>#<id>`; status and recipient filter it;
 * - gsi2, mail that may be picked up again, of every tenant oldest first: `gsi2pk = INBOUND#FAILED` while
 *   the status is `failed`, `INBOUND#RECEIVED` while `received` (a sparse index, as small as the failed
 *   and in-flight mail), `gsi2sk = <receivedAt>#<id>`;
 * - `leaseUntil` on a claimed record (`claim`), removed by any status write and by `free`.
 */
export class DynamoInboundStore implements InboundStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async receive(mail: NewInbound): Promise<{ created: boolean; record: InboundRecord }> {
    const record = newInbound(mail, this.now());
    const at = position(record);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...guardKey(record.sesMessageId), id: record.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...recordKey(record.id), ...record, gsi1sk: at, gsi2pk: RECEIVED_INDEX, gsi2sk: at },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return { created: true, record };
    } catch (err) {
      if (cancellationCodes(err)?.[0] !== 'ConditionalCheckFailed') throw err;
    }
    const guard = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: guardKey(record.sesMessageId), ConsistentRead: true }),
    );
    const existing = guard.Item && (await this.load(String(guard.Item.id)));
    if (!existing) throw new Error(`inbound guard of ${record.sesMessageId} names no record`);
    return { created: false, record: existing };
  }

  async get(tenantId: string, id: string): Promise<InboundRecord | null> {
    const record = await this.load(id);
    return record && record.tenantId === tenantId ? record : null;
  }

  async load(id: string): Promise<InboundRecord | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: recordKey(id), ConsistentRead: true }),
    );
    return Item ? toInbound(Item) : null;
  }

  async update(
    id: string,
    fields: InboundUpdate,
    from?: readonly InboundStatus[],
  ): Promise<InboundRecord | null> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries({ ...fields, updatedAt: this.now().toISOString() }).forEach(([field, value], i) => {
      if (value === undefined) return;
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      sets.push(`#f${i} = :v${i}`);
    });
    if (fields.tenantId !== undefined) {
      if (fields.tenantId === null) removes.push('gsi1pk');
      else {
        sets.push('gsi1pk = :tenantIndex');
        values[':tenantIndex'] = tenantIndex(fields.tenantId);
      }
    }
    if (fields.status !== undefined) {
      const index = statusIndex(fields.status);
      if (index === null) removes.push('gsi2pk');
      else {
        sets.push('gsi2pk = :statusIndex');
        values[':statusIndex'] = index;
      }
      removes.push(LEASE);
    }
    // No status to move from: nothing may be written.
    if (from && from.length === 0) return null;
    let condition = 'attribute_exists(pk)';
    if (from) {
      names['#status'] = 'status';
      const allowed = from.map((status, i) => {
        values[`:from${i}`] = status;
        return `:from${i}`;
      });
      condition += ` AND #status IN (${allowed.join(', ')})`;
    }
    const expression = [
      sets.length ? `SET ${sets.join(', ')}` : '',
      removes.length ? `REMOVE ${removes.join(', ')}` : '',
    ].join(' ');
    return this.conditionalUpdate(id, {
      UpdateExpression: expression.trim(),
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length && { ExpressionAttributeValues: values }),
    });
  }

  async list(
    tenantId: string,
    filter: InboundFilter,
    { limit, after }: { limit: number; after?: string },
  ): Promise<InboundPage> {
    const since = filter.since === undefined ? undefined : isoTime(filter.since, 'since');
    const until = filter.until === undefined ? undefined : untilBound(isoTime(filter.until, 'until'));
    const pk = tenantIndex(tenantId);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk };
    const filters: string[] = [];
    if (filter.status !== undefined) {
      names['#status'] = 'status';
      values[':status'] = filter.status;
      filters.push('#status = :status');
    }
    if (filter.recipient !== undefined) {
      values[':recipient'] = filter.recipient.toLowerCase();
      filters.push('contains(recipients, :recipient)');
    }
    let range = '';
    if (since !== undefined) values[':since'] = since;
    if (until !== undefined) values[':until'] = until;
    if (since !== undefined && until !== undefined) range = ' AND gsi1sk BETWEEN :since AND :until';
    else if (since !== undefined) range = ' AND gsi1sk >= :since';
    else if (until !== undefined) range = ' AND gsi1sk <= :until';
    return this.query(
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: `gsi1pk = :pk${range}`,
        ...(filters.length && { FilterExpression: filters.join(' AND ') }),
        ...(Object.keys(names).length && { ExpressionAttributeNames: names }),
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
      },
      'gsi1',
      pk,
      limit,
      after,
      filters.length > 0,
    );
  }

  async failedSince(
    since: string,
    { limit, after }: { limit: number; after?: string },
  ): Promise<InboundPage> {
    return this.query(
      {
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :since',
        ExpressionAttributeValues: { ':pk': FAILED_INDEX, ':since': isoTime(since, 'since') },
      },
      'gsi2',
      FAILED_INDEX,
      limit,
      after,
      false,
    );
  }

  async claim(id: string, leaseMs: number): Promise<InboundRecord | null> {
    const now = this.now();
    return this.conditionalUpdate(id, {
      UpdateExpression:
        'SET attempts = if_not_exists(attempts, :zero) + :one, updatedAt = :now, #lease = :until',
      ConditionExpression:
        'attribute_exists(pk) AND #status = :received AND (attribute_not_exists(#lease) OR #lease <= :now)',
      ExpressionAttributeNames: { '#status': 'status', '#lease': LEASE },
      ExpressionAttributeValues: {
        ':zero': 0,
        ':one': 1,
        ':now': now.toISOString(),
        ':until': new Date(now.getTime() + leaseMs).toISOString(),
        ':received': 'received',
      },
    });
  }

  async stuck(idleMs: number, { limit, after }: { limit: number; after?: string }): Promise<InboundPage> {
    return this.query(
      {
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        FilterExpression: STUCK,
        ExpressionAttributeValues: { ':pk': RECEIVED_INDEX, ...this.stuckBounds(idleMs) },
      },
      'gsi2',
      RECEIVED_INDEX,
      limit,
      after,
      true,
    );
  }

  async free(id: string, idleMs: number): Promise<InboundRecord | null> {
    const bounds = this.stuckBounds(idleMs);
    return this.conditionalUpdate(id, {
      UpdateExpression: `SET updatedAt = :now REMOVE ${LEASE}`,
      ConditionExpression: `attribute_exists(pk) AND #status = :received AND ${STUCK}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ...bounds, ':received': 'received' },
    });
  }

  private stuckBounds(idleMs: number) {
    const now = this.now();
    return { ':now': now.toISOString(), ':idle': new Date(now.getTime() - idleMs).toISOString() };
  }

  private async conditionalUpdate(
    id: string,
    input: Omit<UpdateCommandInput, 'TableName' | 'Key' | 'ReturnValues'>,
  ): Promise<InboundRecord | null> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: recordKey(id),
          ReturnValues: 'ALL_NEW',
          ...input,
        }),
      );
      return Attributes ? toInbound(Attributes) : null;
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }

  /**
   * Reads the index from `after` on until one more item than asked has turned up (then another page is
   * known to follow) or the index ends. A filtered listing stops after MAX_PAGES_PER_LIST reads and
   * answers the items found with the position it reached, so one call never reads a whole tenant.
   */
  private async query(
    input: QueryCommandInput,
    index: 'gsi1' | 'gsi2',
    indexPk: string,
    limit: number,
    after: string | undefined,
    filtered: boolean,
  ): Promise<InboundPage> {
    let start: Record<string, unknown> | undefined =
      after === undefined
        ? undefined
        : { ...recordKey(positionId(after)), [`${index}pk`]: indexPk, [`${index}sk`]: after };
    const found: Record<string, unknown>[] = [];
    for (let reads = 0; ; reads++) {
      if (reads === MAX_PAGES_PER_LIST && start) {
        return { items: found.map(toInbound), last: String(start[`${index}sk`]) };
      }
      const page = await this.doc.send(
        new QueryCommand({
          ...input,
          Limit: filtered ? Math.max(100, limit + 1) : limit + 1 - found.length,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
      if (found.length > limit) {
        const items = found.slice(0, limit).map(toInbound);
        return { items, last: position(items[items.length - 1]!) };
      }
      if (!start) return { items: found.map(toInbound) };
    }
  }
}
