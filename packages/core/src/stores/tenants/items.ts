import { z } from 'zod';
import { ApiScopeSchema, type ApiScope, type Provider, ProviderSchema } from '../../schemas/common';

/** Item shapes, keys and input schemas of the tenants table (docs/design-notes.md), shared by TenantStore. */
export interface Tenant {
  tenantId: string;
  name?: string;
  /** The tenant's default provider (docs/architecture.md, "Tenants"). */
  provider?: Provider;
  /**
   * Whose SendGrid API key sends this tenant's mail: the platform's (`SENDGRID_API_KEY`, the default) or
   * the tenant's own, kept in Parameter Store (README "Configuration"), never in this table.
   */
  sendgridKey?: SendGridKeyOwner;
  /**
   * The tenant's own send rate, in recipients per second (SES counts its quota per recipient): over it,
   * `POST /v1/messages` answers 429 with `Retry-After`, and its share of the account's send budget at
   * send time (services/outbound/src/rate/tenant-share.ts). Without it the tenant gets the default share.
   */
  sendRate?: number;
  createdAt: string;
}

export type SendGridKeyOwner = 'platform' | 'tenant';

export interface TenantFields {
  name?: string;
  provider?: Provider;
  sendgridKey?: SendGridKeyOwner;
  sendRate?: number;
}

export interface ApiKeyInfo {
  keyId: string;
  tenantId: string;
  scopes: ApiScope[];
  createdAt: string;
  revokedAt?: string;
  /**
   * CIDR blocks (v4 and v6) the key may be used from; absent: from anywhere. Set when the key is
   * created (`mailroom key create --allow-ip`); enforcing it is the HTTP auth's job.
   */
  allowIps?: string[];
  /**
   * When the key last authenticated a request, to within a minute: written at most once a minute per key
   * (TenantStore.recordKeyUse), so it answers "is this key still in use?", not "how often".
   */
  lastUsedAt?: string;
}

/** What createApiKey takes beside the scopes. */
export interface CreateKeyOptions {
  /** A chosen key (the local cloud's fixed dev keys); default: a generated one. */
  key?: string;
  /** CIDR blocks or bare addresses (AllowIpsSchema); stored canonical. */
  allowIps?: readonly string[];
}

export interface KeyItem extends ApiKeyInfo {
  pk: string;
  sk: 'KEY';
  gsi1pk: string;
  gsi1sk: string;
}

export const tenantPk = (tenantId: string) => `TENANT#${tenantId}`;
export const keyPk = (hash: string) => `KEY#${hash}`;

export const TenantFieldsSchema = z.strictObject({
  name: z.string().min(1).max(256).optional(),
  provider: ProviderSchema.optional(),
  sendgridKey: z.enum(['platform', 'tenant']).optional(),
  /** Recipients per second; finite and positive (a rate of 0 would block the tenant for good). */
  sendRate: z.number().positive().max(1_000_000).optional(),
});
export const ScopesSchema = z.array(ApiScopeSchema).min(1, { error: 'at least one scope is required' });
/** Chosen keys (the local cloud's fixed dev keys): printable ASCII without spaces, so they fit a header. */
export const ChosenKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{8,256}$/, { error: 'must be 8–256 printable ASCII characters' });

/**
 * Key ids are `<tenantId>_<ULID>`: tenant ids contain no "_", so the owner of a key id can be read from
 * it — `mailroom key revoke <keyId>` needs no tenant argument and no table scan.
 */
export const tenantIdOfKeyId = (keyId: string): string | undefined => {
  const i = keyId.lastIndexOf('_');
  return i > 0 ? keyId.slice(0, i) : undefined;
};

export const toTenant = ({ tenantId, name, provider, sendgridKey, sendRate, createdAt }: Tenant): Tenant => ({
  tenantId,
  ...(name === undefined ? {} : { name }),
  ...(provider === undefined ? {} : { provider }),
  ...(sendgridKey === undefined ? {} : { sendgridKey }),
  ...(sendRate === undefined ? {} : { sendRate }),
  createdAt,
});

/** Copies the public fields only: the item's pk embeds the key hash and must not leave the store. */
export const toInfo = (item: KeyItem): ApiKeyInfo => ({
  keyId: item.keyId,
  tenantId: item.tenantId,
  scopes: item.scopes,
  createdAt: item.createdAt,
  ...(item.revokedAt === undefined ? {} : { revokedAt: item.revokedAt }),
  ...(item.allowIps === undefined ? {} : { allowIps: [...item.allowIps] }),
  ...(item.lastUsedAt === undefined ? {} : { lastUsedAt: item.lastUsedAt }),
});
