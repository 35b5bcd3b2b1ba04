import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { routePatternsFor } from '../../schemas/route';
import { newRoute, toRoute } from './items';
import type { InboundRoute, NewRoute, RouteStore } from './port';

const key = (pattern: string) => ({ pk: `ROUTE#${pattern}`, sk: 'ROUTE' });
const LIST_PK = 'ROUTES';

/**
 * RouteStore on the inbound table: `pk = ROUTE#<pattern>, sk = ROUTE`; gsi1 (`gsi1pk = ROUTES`,
 * `gsi1sk = <pattern>`) lists them. Resolving reads both candidate patterns in one strongly consistent
 * BatchGetItem.
 */
export class DynamoRouteStore implements RouteStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async put(route: NewRoute): Promise<InboundRoute> {
    const record = newRoute(route, this.now());
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key(record.pattern), gsi1pk: LIST_PK, gsi1sk: record.pattern, ...record },
      }),
    );
    return record;
  }

  async get(pattern: string): Promise<InboundRoute | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key(pattern), ConsistentRead: true }),
    );
    return Item ? toRoute(Item) : null;
  }

  async resolve(address: string): Promise<InboundRoute | null> {
    const patterns = routePatternsFor(address);
    if (patterns.length === 0) return null;
    const found = new Map<string, InboundRoute>();
    let keys: Record<string, unknown>[] | undefined = patterns.map(key);
    while (keys && keys.length) {
      const result: {
        Responses?: Record<string, Record<string, unknown>[]>;
        UnprocessedKeys?: Record<string, { Keys?: Record<string, unknown>[] }>;
      } = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.tableName] ?? [])
        found.set(String(item.pattern), toRoute(item));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    for (const p of patterns) {
      const route = found.get(p);
      if (route) return route;
    }
    return null;
  }

  async list(): Promise<InboundRoute[]> {
    const routes: InboundRoute[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': LIST_PK },
          ExclusiveStartKey: start,
        }),
      );
      routes.push(...(page.Items ?? []).map(toRoute));
      start = page.LastEvaluatedKey;
    } while (start);
    return routes;
  }

  async remove(pattern: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: key(pattern), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }
}
