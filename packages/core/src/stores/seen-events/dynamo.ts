import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionFailure } from '../../aws/dynamo-errors';
import { SEEN_EVENT_TTL_SECONDS, type SeenEvents } from './port';

// Conditional puts in flight at once when claiming one by one: enough to keep a batch quick, few
// enough not to burst one table.
const CONCURRENCY = 16;
/** TransactWriteItems takes at most 100 actions. */
const TRANSACTION_ITEMS = 100;

/**
 * SeenEvents on the messages table: `pk = SEEN#<event id>`, `sk = SEEN`, `{ batch, expiresAt }`, kept
 * for SEEN_EVENT_TTL_SECONDS. Ids are claimed 100 at a time in one transaction of conditional puts
 * (BatchWriteItem takes no conditions): when some are held by another batch the transaction writes
 * nothing and names them, and it is made again without them. A transaction cancelled for any other
 * reason (a conflict with another tracker's claim of the same ids) falls back to one put per id.
 */
export class DynamoSeenEvents implements SeenEvents {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(eventIds: readonly string[], batchId: string): Promise<Set<string>> {
    const unique = [...new Set(eventIds)];
    const held = new Set<string>();
    const expiresAt = Math.floor(this.now().getTime() / 1000) + SEEN_EVENT_TTL_SECONDS;
    for (let i = 0; i < unique.length; i += TRANSACTION_ITEMS) {
      const chunk = unique.slice(i, i + TRANSACTION_ITEMS);
      for (const id of await this.claimTogether(chunk, batchId, expiresAt)) held.add(id);
    }
    return held;
  }

  private async claimTogether(ids: string[], batchId: string, expiresAt: number): Promise<string[]> {
    let pending = ids;
    while (pending.length > 0) {
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: pending.map((id) => ({ Put: this.claimPut(id, batchId, expiresAt) })),
          }),
        );
        return pending;
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        const taken = new Set(pending.filter((_, i) => codes[i] === 'ConditionalCheckFailed'));
        const other = codes.some((c) => c !== undefined && c !== 'None' && c !== 'ConditionalCheckFailed');
        if (other || taken.size === 0) return this.claimEach(pending, batchId, expiresAt);
        pending = pending.filter((id) => !taken.has(id));
      }
    }
    return [];
  }

  private async claimEach(ids: string[], batchId: string, expiresAt: number): Promise<string[]> {
    const held: string[] = [];
    for (let i = 0; i < ids.length; i += CONCURRENCY) {
      await Promise.all(
        ids.slice(i, i + CONCURRENCY).map(async (id) => {
          if (await this.claimOne(id, batchId, expiresAt)) held.push(id);
        }),
      );
    }
    return held;
  }

  private claimPut(id: string, batchId: string, expiresAt: number) {
    return {
      TableName: this.tableName,
      Item: { pk: `SEEN#${id}`, sk: 'SEEN', batch: batchId, expiresAt },
      // BATCH is a reserved word in DynamoDB expressions.
      ConditionExpression: 'attribute_not_exists(pk) OR #batch = :batch',
      ExpressionAttributeNames: { '#batch': 'batch' },
      ExpressionAttributeValues: { ':batch': batchId },
    };
  }

  private async claimOne(id: string, batchId: string, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand(this.claimPut(id, batchId, expiresAt)));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
