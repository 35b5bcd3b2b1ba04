import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { newId } from '../../ids';
import { counterKey } from '../counters/dynamo';
import { cancellationCodes, isConditionFailure } from '../../aws/dynamo-errors';
import type { MessageStatus } from '../../schemas';
import { listMessages } from './list-dynamo';
import {
  IDEMPOTENCY_TTL_SECONDS,
  type IdempotencyRecord,
  type JoinedWrite,
  type MessageEvent,
  type MessageFilter,
  type MessagePage,
  type MessageRecord,
  type MessageStore,
  type NewMessage,
  type TimelineEntry,
  timelineEntryId,
  type Transition,
  UNSENT_STATUSES,
  type UnsentMessage,
} from './port';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const messageKey = (id: string) => ({ pk: `MSG#${id}`, sk: 'MSG' });
const statusIndex = (tenantId: string, status: MessageStatus) => `T#${tenantId}#S#${status}`;

/**
 * gsi4 holds only unsent mail (`queued`, `sending`): `gsi4pk` is set while a message is unsent and
 * removed once it is not, so the index stays as small as the mail in flight (a sparse index:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html).
 * Its keys are spread over UNSENT_SHARDS partitions so a busy send path cannot make one hot: a GSI
 * partition takes at most 1,000 writes per second, and every mail writes the index up to three times.
 */
const UNSENT_SHARDS = 8;
const unsentShard = (id: string) => {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `UNSENT#${hash % UNSENT_SHARDS}`;
};
const isUnsent = (status: MessageStatus) => (UNSENT_STATUSES as readonly string[]).includes(status);
const epochSeconds = (ms: number) => Math.floor(ms / 1000);
/** BatchWriteItem takes at most 25 puts. */
const BATCH_WRITE_MAX = 25;
/** Rounds of BatchWriteItem for items it left unprocessed (with backoff) before appendEvents fails. */
const MAX_WRITE_ROUNDS = 5;

/** A single write's condition failed, or one of a transaction's. */
const conditionFailed = (err: unknown) =>
  isConditionFailure(err) || (cancellationCodes(err) ?? []).includes('ConditionalCheckFailed');

/**
 * MessageStore on the single `messages` table (layout in docs/design-notes.md): a status change and
 * its timeline event are one transaction. Joined writes (`alongside`) are TransactWriteItems entries
 * on the same table, e.g. DynamoDedupeLock's completion.
 */
export class DynamoMessageStore implements MessageStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private messageItems(message: NewMessage, nowIso: string) {
    const created = `${message.createdAt}#${message.id}`;
    const item = {
      ...messageKey(message.id),
      ...message,
      status: 'queued' satisfies MessageStatus,
      attempts: 0,
      updatedAt: nowIso,
      gsi1pk: statusIndex(message.tenantId, 'queued'),
      gsi1sk: created,
      gsi2pk: `T#${message.tenantId}`,
      gsi2sk: created,
      gsi4pk: unsentShard(message.id),
      gsi4sk: created,
    };
    const recipients = [...new Set(message.recipients.map((r) => r.toLowerCase()))].map((email) => ({
      pk: `MSG#${message.id}`,
      sk: `RCPT#${email}`,
      gsi2pk: `T#${message.tenantId}#R#${email}`,
      gsi2sk: created,
    }));
    const event = this.eventItem(message.id, { type: 'queued', at: nowIso, provider: null, data: {} });
    return [item, ...recipients, event];
  }

  /** Counts the new mail in its tenant-hour's `queued` (GET /v1/stats), in the write that records it. */
  private queuedCount(message: NewMessage): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: counterKey(message.tenantId, message.createdAt.slice(0, 13)),
        UpdateExpression: 'ADD #queued :one',
        ExpressionAttributeNames: { '#queued': 'queued' },
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
  }

  private eventItem(messageId: string, event: MessageEvent) {
    return { pk: `MSG#${messageId}`, sk: `EVT#${event.at}#${timelineEntryId(event, newId)}`, ...event };
  }

  async create(
    message: NewMessage,
    idempotency?: { key: string; bodyHash: string },
  ): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }> {
    const nowIso = this.now().toISOString();
    type Put = {
      Put: {
        TableName: string;
        Item: Record<string, unknown>;
        ConditionExpression?: string;
        ExpressionAttributeValues?: Record<string, unknown>;
      };
    };
    const puts: Put[] = this.messageItems(message, nowIso).map((Item, i) => ({
      Put: {
        TableName: this.tableName,
        Item,
        ...(i === 0 && { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    }));
    const idemKey = idempotency && { pk: `IDEM#${message.tenantId}#${idempotency.key}`, sk: 'IDEM' };
    if (idemKey && idempotency) {
      puts.unshift({
        Put: {
          TableName: this.tableName,
          Item: {
            ...idemKey,
            messageId: message.id,
            bodyHash: idempotency.bodyHash,
            expiresAt: epochSeconds(this.now().getTime()) + IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired record (TTL deletion lags) no longer binds the key.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': epochSeconds(this.now().getTime()) },
        },
      });
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [...puts, this.queuedCount(message)] }));
      return { created: true };
    } catch (err) {
      if (!idemKey || !conditionFailed(err)) throw err;
      const found = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: idemKey, ConsistentRead: true }),
      );
      if (!found.Item) throw err;
      return { created: false, existing: { messageId: found.Item.messageId, bodyHash: found.Item.bodyHash } };
    }
  }

  async ensure(message: NewMessage): Promise<void> {
    // Mail accepted over HTTP is already recorded: a plain read is far cheaper than a transaction
    // that the condition would cancel. The transaction stays conditional for the race.
    const existing = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: messageKey(message.id), ProjectionExpression: 'pk' }),
    );
    if (existing.Item) return;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...this.messageItems(message, this.now().toISOString()).map((Item, i) => ({
              Put: {
                TableName: this.tableName,
                Item,
                ...(i === 0 && { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            })),
            this.queuedCount(message),
          ],
        }),
      );
    } catch (err) {
      if (!conditionFailed(err)) throw err;
    }
  }

  async markEnqueued(id: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: messageKey(id),
        UpdateExpression: 'SET enqueuedAt = if_not_exists(enqueuedAt, :now)',
        ExpressionAttributeValues: { ':now': this.now().toISOString() },
      }),
    );
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const found = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: messageKey(id), ConsistentRead: true }),
    );
    return found.Item ? toRecord(found.Item) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, MessageRecord>> {
    const found = new Map<string, MessageRecord>();
    const unique = [...new Set(ids)];
    // BatchGetItem takes at most 100 keys; keys it leaves unprocessed are asked for again.
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(messageKey);
      while (keys && keys.length > 0) {
        const result: {
          Responses?: Record<string, Record<string, unknown>[]>;
          UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
        } = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const record = toRecord(item);
          found.set(record.id, record);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async findByProviderMessageId(
    provider: string,
    providerMessageId: string,
  ): Promise<MessageRecord | undefined> {
    // gsi3 (written with `sent`) is eventually consistent: an event read moments after the send may miss.
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pmid AND gsi3sk = :msg',
        ExpressionAttributeValues: { ':pmid': `PMID#${provider}#${providerMessageId}`, ':msg': 'MSG' },
        Limit: 1,
      }),
    );
    const item = page.Items?.[0];
    return item ? toRecord(item) : undefined;
  }

  async getWithEvents(id: string): Promise<{ message: MessageRecord; events: MessageEvent[] } | undefined> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `MSG#${id}` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const head = items.find((i) => i.sk === 'MSG');
    if (!head) return undefined;
    const events = items
      .filter((i) => String(i.sk).startsWith('EVT#'))
      .map(({ type, at, provider, data }) => ({ type, at, provider, data }) as MessageEvent);
    return { message: toRecord(head), events };
  }

  /** The update of a message's head that moves its status (transition, advanceStatus). */
  private statusUpdate(id: string, tenantId: string, change: Omit<Transition, 'event'>, at: string) {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {
      ':status': change.status,
      ':gsi1pk': statusIndex(tenantId, change.status),
      ':now': at,
    };
    const sets = ['#status = :status', 'gsi1pk = :gsi1pk', 'updatedAt = :now'];
    if (change.provider !== undefined) {
      sets.push('provider = :provider');
      values[':provider'] = change.provider;
    }
    if (change.providerMessageId !== undefined) {
      sets.push('providerMessageId = :pmid', 'gsi3pk = :gsi3pk', 'gsi3sk = :msg');
      values[':pmid'] = change.providerMessageId;
      values[':gsi3pk'] = `PMID#${change.provider ?? 'unknown'}#${change.providerMessageId}`;
      values[':msg'] = 'MSG';
    }
    if (change.lastError !== undefined) {
      sets.push('lastError = :lastError');
      values[':lastError'] = change.lastError;
    }
    if (change.requeuedAt !== undefined) {
      sets.push('requeuedAt = :requeuedAt');
      values[':requeuedAt'] = change.requeuedAt;
    }
    if (change.retryId !== undefined) {
      sets.push('retryId = :retryId');
      values[':retryId'] = change.retryId;
    }
    // In or out of the unsent index (gsi4); its sort key is the message's creation, as gsi1sk.
    if (isUnsent(change.status)) {
      sets.push('gsi4pk = :unsent', 'gsi4sk = gsi1sk');
      values[':unsent'] = unsentShard(id);
    }
    const remove = isUnsent(change.status) ? '' : ' REMOVE gsi4pk';
    const add = change.countAttempt ? ' ADD attempts :one' : '';
    if (change.countAttempt) values[':one'] = 1;
    let condition = 'attribute_exists(pk)';
    if (change.onlyFrom) {
      const from = change.onlyFrom.map((status, i) => {
        values[`:from${i}`] = status;
        return `:from${i}`;
      });
      condition += ` AND #status IN (${from.join(', ')})`;
    }
    return {
      TableName: this.tableName,
      Key: messageKey(id),
      UpdateExpression: `SET ${sets.join(', ')}${remove}${add}`,
      ConditionExpression: condition,
      // Tells "not in onlyFrom" (an item comes back) from "no such message" (none does).
      ...(change.onlyFrom && { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async transition(
    id: string,
    tenantId: string,
    change: Transition,
    alongside: JoinedWrite[] = [],
  ): Promise<boolean> {
    const at = change.event.at ?? this.now().toISOString();
    const own = 2; // the message update and its event come first
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: this.statusUpdate(id, tenantId, change, at) },
            {
              Put: {
                TableName: this.tableName,
                Item: this.eventItem(id, { ...change.event, at, provider: change.event.provider ?? null }),
              },
            },
            ...(alongside as TransactItem[]),
          ],
        }),
      );
    } catch (err) {
      const failed = (cancellationCodes(err) ?? []).findIndex((code) => code === 'ConditionalCheckFailed');
      if (failed >= own) return false;
      if (failed === 0 && change.onlyFrom && cancelledItemExists(err, 0)) return false;
      throw err;
    }
    return true;
  }

  async advanceStatus(
    id: string,
    tenantId: string,
    { status, at, onlyFrom }: { status: MessageStatus; at: string; onlyFrom: readonly MessageStatus[] },
  ): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(this.statusUpdate(id, tenantId, { status, onlyFrom }, at)));
      return true;
    } catch (err) {
      if (isConditionFailure(err) && (err as { Item?: unknown }).Item !== undefined) return false;
      throw err;
    }
  }

  async listUnsent({
    createdBefore,
    limit,
  }: {
    createdBefore: string;
    limit: number;
  }): Promise<UnsentMessage[]> {
    const shards = Array.from({ length: UNSENT_SHARDS }, (_, i) => `UNSENT#${i}`);
    // Each shard is sorted by creation: the oldest `limit` of every shard hold the oldest `limit` overall.
    const pages = await Promise.all(
      shards.map((shard) =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi4',
            KeyConditionExpression: 'gsi4pk = :shard AND gsi4sk < :before',
            ExpressionAttributeValues: { ':shard': shard, ':before': createdBefore },
            Limit: limit,
          }),
        ),
      ),
    );
    return pages
      .flatMap((page) => page.Items ?? [])
      .sort((a, b) => (String(a.gsi4sk) < String(b.gsi4sk) ? -1 : 1))
      .slice(0, limit)
      .map(({ id, tenantId, status, createdAt, updatedAt, enqueuedAt, requeuedAt }) => ({
        id,
        tenantId,
        status,
        createdAt,
        updatedAt,
        ...(enqueuedAt !== undefined && { enqueuedAt }),
        ...(requeuedAt !== undefined && { requeuedAt }),
      }));
  }

  async list(
    tenantId: string,
    filter: MessageFilter,
    page: { limit: number; after?: string },
  ): Promise<MessagePage> {
    return listMessages(this.doc, this.tableName, tenantId, filter, page, toRecord);
  }

  async appendEvent(id: string, event: Omit<MessageEvent, 'at'> & { at?: string }): Promise<void> {
    const at = event.at ?? this.now().toISOString();
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: this.eventItem(id, { ...event, at }) }),
    );
  }

  async appendEvents(entries: readonly TimelineEntry[]): Promise<void> {
    // One put per key: BatchWriteItem refuses a request that names a key twice (the later entry wins,
    // as it would written one after the other).
    const items = new Map<string, Record<string, unknown>>();
    for (const { messageId, event } of entries) {
      const item = this.eventItem(messageId, event);
      items.set(`${item.pk}#${item.sk}`, item);
    }
    const puts = [...items.values()].map((Item) => ({ PutRequest: { Item } }));
    for (let i = 0; i < puts.length; i += BATCH_WRITE_MAX) {
      let pending: typeof puts | undefined = puts.slice(i, i + BATCH_WRITE_MAX);
      // BatchWriteItem may leave items unprocessed under load: write those again, backing off, a few times.
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round === MAX_WRITE_ROUNDS) {
          throw new Error(`BatchWriteItem left ${pending.length} timeline entries unprocessed`);
        }
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** round));
        const result: { UnprocessedItems?: Record<string, unknown[]> } = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as typeof puts | undefined;
      }
    }
  }
}

/** Whether the cancelled transaction's `index`th item existed (ReturnValuesOnConditionCheckFailure). */
const cancelledItemExists = (err: unknown, index: number): boolean => {
  const reasons = (err as { CancellationReasons?: { Item?: unknown }[] }).CancellationReasons ?? [];
  return reasons[index]?.Item !== undefined;
};

function toRecord(item: Record<string, unknown>): MessageRecord {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    gsi4pk: _g,
    gsi4sk: _h,
    ...rest
  } = item;
  return rest as unknown as MessageRecord;
}
