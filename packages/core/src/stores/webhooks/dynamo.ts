import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionFailure } from '../../aws/dynamo-errors';
import { ConflictError } from '../../errors';
import {
  countKey,
  ENDPOINT_SK_PREFIX,
  endpointKey,
  newEndpoint,
  shortReason,
  sustainedSince,
  toEndpoint,
  webhookPk,
} from './items';
import {
  DISABLE_AFTER_FAILURES,
  type FailureRecorded,
  MAX_WEBHOOK_ENDPOINTS,
  type NewWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointStore,
  WebhookLimitError,
} from './port';

/**
 * WebhookEndpointStore on the tenants table (layout in items.ts). A tenant's endpoints are one Query on
 * its own partition; create and remove move the endpoint and the counter in one transaction, so the
 * limit holds under concurrent requests.
 */
export class DynamoWebhookEndpointStore implements WebhookEndpointStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const record = newEndpoint(endpoint, this.now());
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: countKey(endpoint.tenantId),
                UpdateExpression: 'ADD n :one',
                ConditionExpression: 'attribute_not_exists(n) OR n < :max',
                ExpressionAttributeValues: { ':one': 1, ':max': MAX_WEBHOOK_ENDPOINTS },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...endpointKey(endpoint.tenantId, endpoint.id), ...record },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed') {
        throw new WebhookLimitError(
          `a tenant may register at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints`,
          { cause: err },
        );
      }
      if (codes?.[1] === 'ConditionalCheckFailed') {
        throw new ConflictError(`webhook endpoint ${endpoint.id} already exists`, { cause: err });
      }
      throw err;
    }
    return record;
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: endpointKey(tenantId, id), ConsistentRead: true }),
    );
    return Item ? toEndpoint(Item) : null;
  }

  async list(tenantId: string): Promise<WebhookEndpoint[]> {
    // Consistent: a tenant that just registered or removed an endpoint sees it in the list at once.
    return this.query(tenantId, true);
  }

  async listActive(tenantId: string): Promise<WebhookEndpoint[]> {
    // Eventually consistent (half the read cost): the consumer caches the answer for seconds anyway.
    return (await this.query(tenantId, false)).filter((e) => e.status === 'active');
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: endpointKey(tenantId, id),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: countKey(tenantId),
                UpdateExpression: 'ADD n :minus',
                ExpressionAttributeValues: { ':minus': -1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (cancellationCodes(err)?.[0] === 'ConditionalCheckFailed') return false;
      throw err;
    }
  }

  async recordFailure(tenantId: string, id: string, reason: string): Promise<FailureRecorded | null> {
    const now = this.now();
    let after: Record<string, unknown>;
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(tenantId, id),
          UpdateExpression:
            'ADD failures :one SET firstFailureAt = if_not_exists(firstFailureAt, :now), lastError = :reason',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString(), ':reason': shortReason(reason) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      after = Attributes ?? {};
    } catch (err) {
      if (isConditionFailure(err)) return null;
      throw err;
    }
    const failures = Number(after.failures ?? 0);
    if (after.status !== 'active' || failures < DISABLE_AFTER_FAILURES) return { failures, disabled: false };
    try {
      // The condition re-checks on the stored item, so two consumers racing disable it once, and a
      // success recorded in between (failures back to 0) wins.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(tenantId, id),
          UpdateExpression: 'SET #status = :disabled, disabledAt = :now',
          ConditionExpression: '#status = :active AND failures >= :min AND firstFailureAt <= :since',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':disabled': 'disabled',
            ':active': 'active',
            ':now': now.toISOString(),
            ':min': DISABLE_AFTER_FAILURES,
            ':since': sustainedSince(now),
          },
        }),
      );
      return { failures, disabled: true };
    } catch (err) {
      if (isConditionFailure(err)) return { failures, disabled: false };
      throw err;
    }
  }

  async recordSuccess(tenantId: string, id: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: endpointKey(tenantId, id),
          UpdateExpression: 'SET failures = :zero REMOVE firstFailureAt',
          ConditionExpression: 'attribute_exists(pk) AND failures > :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  private async query(tenantId: string, consistent: boolean): Promise<WebhookEndpoint[]> {
    const endpoints: WebhookEndpoint[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': webhookPk(tenantId), ':sk': ENDPOINT_SK_PREFIX },
          ConsistentRead: consistent,
          ExclusiveStartKey: start,
        }),
      );
      endpoints.push(...(page.Items ?? []).map(toEndpoint));
      start = page.LastEvaluatedKey;
    } while (start);
    return endpoints;
  }
}
