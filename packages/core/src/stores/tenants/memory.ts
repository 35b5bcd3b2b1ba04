import { ConflictError, NotFoundError } from '../../errors';
import { newId } from '../../ids';
import { type ApiScope, TenantIdSchema } from '../../schemas/common';
import { parseOrThrow } from '../../schemas/issues';
import { generateApiKey, hashApiKey, type Principal } from './api-keys';
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

/** TenantStore in memory, for use-case tests; same validation, errors and answers as DynamoTenantStore. */
export class InMemoryTenantStore implements TenantStore {
  private readonly tenants = new Map<string, Tenant>();
  /** By key hash, as the table keys them. */
  private readonly keys = new Map<string, KeyItem>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async createTenant(tenantId: string, fields: TenantFields = {}): Promise<Tenant> {
    parseOrThrow(TenantIdSchema, tenantId, 'Invalid tenant id');
    const tenant: Tenant = {
      tenantId,
      ...parseOrThrow(TenantFieldsSchema, fields),
      createdAt: this.now().toISOString(),
    };
    if (this.tenants.has(tenantId)) throw new ConflictError(`Tenant ${tenantId} already exists`);
    this.tenants.set(tenantId, tenant);
    return toTenant(tenant);
  }

  async getTenant(tenantId: string): Promise<Tenant | null> {
    const found = this.tenants.get(tenantId);
    return found ? toTenant(found) : null;
  }

  async listTenants(): Promise<Tenant[]> {
    return [...this.tenants.keys()].sort().map((id) => toTenant(this.tenants.get(id)!));
  }

  async updateTenant(tenantId: string, fields: TenantFields): Promise<Tenant> {
    const set = parseOrThrow(TenantFieldsSchema, fields);
    const found = this.tenants.get(tenantId);
    if (!found) throw new NotFoundError(`Tenant ${tenantId} not found`);
    const updated = { ...found, ...set };
    this.tenants.set(tenantId, updated);
    return toTenant(updated);
  }

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
    if (!this.tenants.has(tenantId)) throw new NotFoundError(`Tenant ${tenantId} not found`);
    const pk = keyPk(hashApiKey(key));
    if (this.keys.has(pk)) throw new ConflictError('This API key is already registered');
    const keyId = `${tenantId}_${newId()}`;
    this.keys.set(pk, {
      pk,
      sk: 'KEY',
      keyId,
      tenantId,
      scopes: validScopes,
      ...(allowIps === undefined ? {} : { allowIps }),
      createdAt: this.now().toISOString(),
      gsi1pk: tenantPk(tenantId),
      gsi1sk: `KEY#${keyId}`,
    });
    return { keyId, key };
  }

  async authenticate(key: string): Promise<Principal | null> {
    if (key === '') return null;
    const item = this.keys.get(keyPk(hashApiKey(key)));
    if (!item || item.revokedAt !== undefined) return null;
    return {
      tenantId: item.tenantId,
      keyId: item.keyId,
      scopes: [...item.scopes],
      ...(item.allowIps === undefined ? {} : { allowIps: [...item.allowIps] }),
    };
  }

  async recordKeyUse(key: string, at: Date, minIntervalMs: number): Promise<boolean> {
    const item = key === '' ? undefined : this.keys.get(keyPk(hashApiKey(key)));
    if (!item) return false;
    const cutoff = new Date(at.getTime() - minIntervalMs).toISOString();
    if (item.lastUsedAt !== undefined && item.lastUsedAt >= cutoff) return false;
    item.lastUsedAt = at.toISOString();
    return true;
  }

  async listKeys(tenantId: string): Promise<ApiKeyInfo[]> {
    return this.keysOf(tenantId).map(toInfo);
  }

  async revokeKey(tenantId: string, keyId: string): Promise<ApiKeyInfo> {
    const item = this.keysOf(tenantId).find((k) => k.keyId === keyId);
    if (!item) throw new NotFoundError(`API key ${keyId} not found`);
    item.revokedAt ??= this.now().toISOString();
    return toInfo(item);
  }

  async revokeKeyById(keyId: string): Promise<ApiKeyInfo> {
    const tenantId = tenantIdOfKeyId(keyId);
    if (tenantId === undefined) throw new NotFoundError(`API key ${keyId} not found`);
    return this.revokeKey(tenantId, keyId);
  }

  private keysOf(tenantId: string): KeyItem[] {
    return [...this.keys.values()]
      .filter((k) => k.tenantId === tenantId)
      .sort((a, b) => (a.gsi1sk < b.gsi1sk ? -1 : a.gsi1sk > b.gsi1sk ? 1 : 0));
  }
}
