import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../aws/dynamo-errors';
import { SEEN_EVENT_TTL_SECONDS, type SeenEvents } from './port';

// Conditional puts in flight at once: enough to keep a batch quick, few enough not to burst one table.
const CONCURRENCY = 16;

/**
 * SeenEvents on the messages table: `pk = SEEN#<event id>`, `sk = SEEN`, `{ batch, expiresAt }`. One
 * conditional put per id (BatchWriteItem takes no conditions), kept for SEEN_EVENT_TTL_SECONDS.
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
    for (let i = 0; i < unique.length; i += CONCURRENCY) {
      await Promise.all(
        unique.slice(i, i + CONCURRENCY).map(async (id) => {
          if (await this.claimOne(id, batchId, expiresAt)) held.add(id);
        }),
      );
    }
    return held;
  }

  private async claimOne(id: string, batchId: string, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `SEEN#${id}`, sk: 'SEEN', batch: batchId, expiresAt },
          // BATCH is a reserved word in DynamoDB expressions.
          ConditionExpression: 'attribute_not_exists(pk) OR #batch = :batch',
          ExpressionAttributeNames: { '#batch': 'batch' },
          ExpressionAttributeValues: { ':batch': batchId },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
