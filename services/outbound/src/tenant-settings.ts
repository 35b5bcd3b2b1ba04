import type { Tenant, TenantStore } from '@mailroom/core';
import type { TenantSecrets } from './adapters/tenant-secrets';
import type { ProviderCredentials, ProviderName } from './providers/port';

const TTL_MS = 60_000;

/** What the send use case needs of a tenant. */
export interface TenantSendSettings {
  provider?: ProviderName;
  /** The tenant's own send rate, recipients per second (its share of the account; rate/tenant-share.ts). */
  sendRate?: number;
  /** `tenant`: it sends SendGrid mail with a key (an account) of its own. */
  sendgridKey?: 'platform' | 'tenant';
  /** The tenant's own credentials for `provider`, or undefined to use the platform's. */
  credentials(provider: ProviderName): Promise<ProviderCredentials | undefined>;
}

/**
 * A tenant's send settings (undefined for an unknown tenant), cached for a minute per warm container:
 * every record of a batch needs them, and they change rarely. A tenant's own SendGrid key is read from
 * Parameter Store on first use and cached with them; failures are not cached.
 */
export function tenantSettingsCache(
  tenants: Pick<TenantStore, 'getTenant'>,
  secrets: Pick<TenantSecrets, 'sendgridApiKey'>,
) {
  const cache = new Map<string, { at: number; value: Promise<TenantSendSettings | undefined> }>();
  const settingsOf = (tenant: Tenant): TenantSendSettings => {
    let key: Promise<string> | undefined;
    return {
      ...(tenant.provider && { provider: tenant.provider }),
      ...(tenant.sendRate !== undefined && { sendRate: tenant.sendRate }),
      ...(tenant.sendgridKey && { sendgridKey: tenant.sendgridKey }),
      credentials: async (provider) => {
        if (provider !== 'sendgrid' || tenant.sendgridKey !== 'tenant') return undefined;
        if (!key) {
          key = secrets.sendgridApiKey(tenant.tenantId);
          key.catch(() => (key = undefined)); // the next record asks Parameter Store again
        }
        return { account: `tenant:${tenant.tenantId}`, apiKey: await key };
      },
    };
  };
  return (tenantId: string): Promise<TenantSendSettings | undefined> => {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = tenants.getTenant(tenantId).then((t) => (t ? settingsOf(t) : undefined));
    value.catch(() => cache.delete(tenantId));
    cache.set(tenantId, { at: Date.now(), value });
    return value;
  };
}
