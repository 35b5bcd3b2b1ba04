import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../errors';
import { newId } from '../../ids';
import { type ApiScope, TenantIdSchema } from '../../schemas/common';
import { parseOrThrow } from '../../schemas/issues';
import { generateApiKey, hashApiKey, type Principal } from './api-keys';
import { cancellationCodes, isConditionFailure } from '../../aws/dynamo-errors';
import { AllowIpsSchema } from '../../schemas/cidr';
import {
  type ApiKeyInfo,
  ChosenKeySchema,
  type CreateKeyOptions,
  type KeyItem,
  keyPk,
  ScopesSchema,
  type Tenant,
  TenantFieldsSchema,
  type TenantFields,
  tenantIdOfKeyId,
  tenantPk,
  toInfo,
  toTenant,
} from './items';
import type { TenantStore } from './port';

export interface TenantStoreOptions {
  now?: () => Date;
}

/**
 * TenantStore on the tenants table (docs/design-notes.md):
 * tenant `pk = TENANT#<id>, sk = TENANT`; key `pk = KEY#<sha256>, sk = KEY` with
 * `gsi1pk = TENANT#<id>, gsi1sk = KEY#<keyId>`, so authentication is one GetItem by the key's hash and a
 * tenant's keys are one Query on gsi1.
 */
export class DynamoTenantStore implements TenantStore {
  private readonly now: () => Date;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: TenantStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Creates a tenant; ConflictError (409) if it exists, ValidationError if the id is malformed. */
  async createTenant(tenantId: string, fields: TenantFields = {}): Promise<Tenant> {
    parseOrThrow(TenantIdSchema, tenantId, 'Invalid tenant id');
    const tenant: Tenant = {
      tenantId,
      ...parseOrThrow(TenantFieldsSchema, fields),
      createdAt: this.now().toISOString(),
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: tenantPk(tenantId), sk: 'TENANT', ...tenant },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err))
        throw new ConflictError(`Tenant ${tenantId} already exists`, { cause: err });
      throw err;
    }
    return tenant;
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantPk(tenantId), sk: 'TENANT' } }),
    );
    if (!Item) return null;
    return toTenant(Item as Tenant);
  }

  /**
   * A filtered Scan: tenants are few and this is an operator's command, so no index is kept for it.
   * Sorted here, since a Scan has no order.
   */
  async listTenants(): Promise<Tenant[]> {
    const tenants: Tenant[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :sk',
          ExpressionAttributeValues: { ':sk': 'TENANT' },
          ExclusiveStartKey: startKey,
        }),
      );
      tenants.push(...((page.Items ?? []) as Tenant[]).map(toTenant));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return tenants.sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0));
  }

  /** Sets the given fields of an existing tenant; NotFoundError if there is none. */
  async updateTenant(tenantId: string, fields: TenantFields): Promise<Tenant> {
    const set = Object.entries(parseOrThrow(TenantFieldsSchema, fields));
    if (set.length === 0) {
      const tenant = await this.getTenant(tenantId);
      if (!tenant) throw new NotFoundError(`Tenant ${tenantId} not found`);
      return tenant;
    }
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: tenantPk(tenantId), sk: 'TENANT' },
          UpdateExpression: `SET ${set.map(([k]) => `#${k} = :${k}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries(set.map(([k]) => [`#${k}`, k])),
          ExpressionAttributeValues: Object.fromEntries(set.map(([k, v]) => [`:${k}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTenant(Attributes as Tenant);
    } catch (err) {
      if (isConditionFailure(err)) throw new NotFoundError(`Tenant ${tenantId} not found`, { cause: err });
      throw err;
    }
  }

  /**
   * Creates a key for an existing tenant and returns it — the only time the key is seen; only its hash is
   * stored. `key` lets the local cloud seed fixed dev keys. NotFoundError if the tenant does not exist,
   * ConflictError if the key is already registered.
   */
  async createApiKey(
    tenantId: string,
    scopes: readonly ApiScope[],
    options: CreateKeyOptions = {},
  ): Promise<{ keyId: string; key: string }> {
    const validScopes = [...new Set(parseOrThrow(ScopesSchema, scopes, 'Invalid scopes'))];
    const allowIps =
      options.allowIps === undefined
        ? undefined
        : [...new Set(parseOrThrow(AllowIpsSchema, options.allowIps, 'Invalid IP allowlist'))];
    const key =
      options.key === undefined
        ? generateApiKey()
        : parseOrThrow(ChosenKeySchema, options.key, 'Invalid key');
    const keyId = `${tenantId}_${newId()}`;
    const item: KeyItem = {
      pk: keyPk(hashApiKey(key)),
      sk: 'KEY',
      keyId,
      tenantId,
      scopes: validScopes,
      ...(allowIps === undefined ? {} : { allowIps }),
      createdAt: this.now().toISOString(),
      gsi1pk: tenantPk(tenantId),
      gsi1sk: `KEY#${keyId}`,
    };
    try {
      // One transaction, so a key can never exist for a tenant that does not.
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: { pk: tenantPk(tenantId), sk: 'TENANT' },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
            },
          ],
        }),
      );
    } catch (err) {
      const codes = cancellationCodes(err);
      if (codes?.[0] === 'ConditionalCheckFailed')
        throw new NotFoundError(`Tenant ${tenantId} not found`, { cause: err });
      if (codes?.[1] === 'ConditionalCheckFailed')
        throw new ConflictError('This API key is already registered', { cause: err });
      throw err;
    }
    return { keyId, key };
  }

  /** The principal for a presented key, or null for unknown and revoked keys (both answer 401). */
  async authenticate(key: string): Promise<Principal | null> {
    if (key === '') return null;
    // Consistent read: a revoked key must stop working at once, not after replication catches up.
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: keyPk(hashApiKey(key)), sk: 'KEY' },
        ConsistentRead: true,
      }),
    );
    if (!Item) return null;
    const item = Item as KeyItem;
    if (item.revokedAt !== undefined) return null;
    return {
      tenantId: item.tenantId,
      keyId: item.keyId,
      scopes: item.scopes,
      ...(item.allowIps === undefined ? {} : { allowIps: item.allowIps }),
    };
  }

  /**
   * One conditional UpdateItem on the key's item: `lastUsedAt` is set only when absent or older than the
   * interval (ISO-8601 UTC strings of one format compare as the times they name), so concurrent
   * containers write it once per interval between them; a failed condition is the ordinary "recent
   * enough" answer, not an error.
   */
  async recordKeyUse(key: string, at: Date, minIntervalMs: number): Promise<boolean> {
    if (key === '') return false;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: keyPk(hashApiKey(key)), sk: 'KEY' },
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :cutoff)',
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':cutoff': new Date(at.getTime() - minIntervalMs).toISOString(),
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** A tenant's keys, revoked ones included, oldest first. Never returns key hashes. */
  async listKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    return (await this.queryKeys(tenantId)).map(toInfo);
  }

  /**
   * Revokes a key (idempotent: the first revocation time is kept). NotFoundError if the tenant has no such
   * key. gsi1 is eventually consistent, so a key created a moment ago may briefly be "not found".
   */
  async revokeKey(tenantId: string, keyId: string): Promise<ApiKeyInfo> {
    const [item] = await this.queryKeys(tenantId, keyId);
    if (!item) throw new NotFoundError(`API key ${keyId} not found`);
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: 'KEY' },
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenantId AND keyId = :keyId',
          ExpressionAttributeValues: {
            ':now': this.now().toISOString(),
            ':tenantId': tenantId,
            ':keyId': keyId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toInfo(Attributes as KeyItem);
    } catch (err) {
      if (isConditionFailure(err)) throw new NotFoundError(`API key ${keyId} not found`, { cause: err });
      throw err;
    }
  }

  /** Revokes by key id alone (the CLI's `key revoke <keyId>`), reading the tenant from the id. */
  async revokeKeyById(keyId: string): Promise<ApiKeyInfo> {
    const tenantId = tenantIdOfKeyId(keyId);
    if (tenantId === undefined) throw new NotFoundError(`API key ${keyId} not found`);
    return this.revokeKey(tenantId, keyId);
  }

  private async queryKeys(tenantId: string, keyId?: string): Promise<KeyItem[]> {
    const items: KeyItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression:
            keyId === undefined
              ? 'gsi1pk = :pk AND begins_with(gsi1sk, :sk)'
              : 'gsi1pk = :pk AND gsi1sk = :sk',
          ExpressionAttributeValues: {
            ':pk': tenantPk(tenantId),
            ':sk': keyId === undefined ? 'KEY#' : `KEY#${keyId}`,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as KeyItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
