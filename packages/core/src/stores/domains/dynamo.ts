import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../aws/dynamo-errors';
import { ConflictError } from '../../errors';
import {
  domainIndexKey,
  domainKey,
  newDomainRecord,
  toDomainItem,
  toDomainRecord,
  type DomainItem,
} from './items';
import type { DomainPage, DomainRecord, DomainStore, DomainUpdate } from './port';

// BatchGetItem reads at most 100 keys per call:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
const BATCH_GET_LIMIT = 100;

/**
 * DomainStore on the tenants table (docs/design-notes.md): domain `pk = DOMAIN#<domain>, sk = DOMAIN`,
 * listed per tenant on gsi1 (`gsi1pk = TENANT#<id>`, `gsi1sk = DOMAIN#<domain>`). Every write that
 * changes a held domain is conditional on the holder, so one tenant can never touch another's.
 */
export class DynamoDomainStore implements DomainStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(
    tenantId: string,
    domain: string,
    fields: Pick<DomainRecord, 'mailFrom'> = {},
    again = true,
  ): Promise<{ created: boolean; record: DomainRecord }> {
    const record = newDomainRecord(tenantId, domain, this.now().toISOString(), fields);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toDomainItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, record };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const [held] = await this.lookup([domain]);
    // Gone again between the two requests (its holder deleted it): claim once more.
    if (!held && again) return this.claim(tenantId, domain, fields, false);
    if (!held || held.tenantId !== tenantId) throw new ConflictError(`${domain} is held by another tenant`);
    return { created: false, record: held };
  }

  async get(tenantId: string, domain: string): Promise<DomainRecord | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: domainKey(domain), ConsistentRead: true }),
    );
    return Item && Item.tenantId === tenantId ? toDomainRecord(Item as DomainItem) : null;
  }

  async lookup(domains: readonly string[]): Promise<DomainRecord[]> {
    const unique = [...new Set(domains)];
    const found: DomainRecord[] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + BATCH_GET_LIMIT).map(domainKey);
      while (keys && keys.length) {
        const result: {
          Responses?: Record<string, Record<string, unknown>[]>;
          UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
        } = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          found.push(toDomainRecord(item as unknown as DomainItem));
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found.sort((a, b) => unique.indexOf(a.domain) - unique.indexOf(b.domain));
  }

  async list(tenantId: string, { limit, after }: { limit: number; after?: string }): Promise<DomainPage> {
    const { gsi1pk } = domainIndexKey(tenantId, '');
    // One more than asked: whether another page follows is then known, never an empty last page.
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
        ExpressionAttributeValues: { ':pk': gsi1pk, ':prefix': 'DOMAIN#' },
        Limit: limit + 1,
        ...(after !== undefined && {
          ExclusiveStartKey: { ...domainKey(after), ...domainIndexKey(tenantId, after) },
        }),
      }),
    );
    const items = (Items as DomainItem[]).slice(0, limit).map(toDomainRecord);
    return Items.length > limit ? { items, last: items[items.length - 1]?.domain } : { items };
  }

  async update(tenantId: string, domain: string, fields: DomainUpdate): Promise<DomainRecord | null> {
    const set = Object.entries({ ...fields, updatedAt: this.now().toISOString() }).filter(
      ([, v]) => v !== undefined,
    );
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: domainKey(domain),
          UpdateExpression: `SET ${set.map(([k]) => `#${k} = :${k}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND tenantId = :holder',
          ExpressionAttributeNames: Object.fromEntries(set.map(([k]) => [`#${k}`, k])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(set.map(([k, v]) => [`:${k}`, v])),
            ':holder': tenantId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toDomainRecord(Attributes as DomainItem);
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
  }

  async remove(tenantId: string, domain: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: domainKey(domain),
          ConditionExpression: 'tenantId = :holder',
          ExpressionAttributeValues: { ':holder': tenantId },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
