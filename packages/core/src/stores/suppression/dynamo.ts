import { BatchGetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SuppressionStore } from './port';

const key = (tenantId: string, lower: string) => ({ pk: `SUPP#${tenantId}#${lower}`, sk: 'SUPP' });

/** SuppressionStore on the messages table: `pk = SUPP#<tenant>#<email>`, `sk = SUPP` (docs/design-notes.md). */
export class DynamoSuppressionStore implements SuppressionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async suppressed(tenantId: string, emails: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
    const hits = new Set<string>();
    // BatchGetItem takes at most 100 keys; a message has at most 50 recipients.
    if (unique.length === 0) return hits;
    let keys: Record<string, unknown>[] | undefined = unique.map((e) => key(tenantId, e));
    while (keys && keys.length) {
      const result: {
        Responses?: Record<string, Record<string, unknown>[]>;
        UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
      } = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? []) hits.add(String(item.email));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    return hits;
  }

  async suppress(tenantId: string, email: string, reason: string): Promise<void> {
    const lower = email.toLowerCase();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(tenantId, lower), email: lower, reason, at: this.now().toISOString() },
      }),
    );
  }
}
