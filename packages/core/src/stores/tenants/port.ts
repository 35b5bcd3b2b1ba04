import type { ApiScope } from '../../schemas/common';
import type { Principal } from './api-keys';
import type { ApiKeyInfo, CreateKeyOptions, Tenant, TenantFields } from './items';

/**
 * Tenants and their API keys. Keys are stored hashed; the key itself is returned once, by createApiKey.
 * Implementations: DynamoTenantStore (`@mailroom/core/aws`), InMemoryTenantStore (`@mailroom/core/testing`).
 */
export interface TenantStore {
  /** ConflictError (409) if it exists, ValidationError if the id is malformed. */
  createTenant(tenantId: string, fields?: TenantFields): Promise<Tenant>;
  getTenant(tenantId: string): Promise<Tenant | null>;
  /** Every tenant, by id: an operator's list (`mailroom tenant list`), never on a request path. */
  listTenants(): Promise<Tenant[]>;
  /** Sets the given fields of an existing tenant; NotFoundError if there is none. */
  updateTenant(tenantId: string, fields: TenantFields): Promise<Tenant>;
  /** NotFoundError if the tenant does not exist, ConflictError if the chosen key is already registered. */
  createApiKey(
    tenantId: string,
    scopes: readonly ApiScope[],
    options?: CreateKeyOptions,
  ): Promise<{ keyId: string; key: string }>;
  /** The principal for a presented key, or null for unknown and revoked keys (both answer 401). */
  authenticate(key: string): Promise<Principal | null>;
  /**
   * Sets the key's `lastUsedAt` to `at` unless a use less than `minIntervalMs` before `at` is already
   * recorded: one conditional write, so however many processes call it, a key's item is written at most
   * once per interval. Resolves true when it wrote, false when a recent use was recorded already or the
   * key is unknown. Callers keep it off the request path (CachedKeyAuthenticator: fire-and-forget).
   */
  recordKeyUse(key: string, at: Date, minIntervalMs: number): Promise<boolean>;
  /** A tenant's keys, revoked ones included, oldest first. Never returns key hashes. */
  listKeys(tenantId: string): Promise<ApiKeyInfo[]>;
  /** Idempotent (the first revocation time is kept); NotFoundError if the tenant has no such key. */
  revokeKey(tenantId: string, keyId: string): Promise<ApiKeyInfo>;
  /** Revokes by key id alone, reading the tenant from the id. */
  revokeKeyById(keyId: string): Promise<ApiKeyInfo>;
}
