import type { TenantStore } from '@mailroom/core';
import type { ProviderCredentials, ProviderName } from './providers/port';

const TTL_MS = 60_000;

/**
 * A tenant's provider settings (undefined for an unknown tenant), cached for a minute per warm container: every record of a
 * batch needs them, and they change rarely.
 */
export function tenantSettingsCache(tenants: Pick<TenantStore, 'getTenant'>) {
  type Settings = ({ provider?: ProviderName } & ProviderCredentials) | undefined;
  const cache = new Map<string, { at: number; value: Promise<Settings> }>();
  return (tenantId: string) => {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const value = tenants.getTenant(tenantId).then((tenant): Settings =>
      // Per-tenant SendGrid keys belong in a secret store, not the tenants table: not yet supported.
      tenant ? { ...(tenant.provider && { provider: tenant.provider as ProviderName }) } : undefined,
    );
    value.catch(() => cache.delete(tenantId));
    cache.set(tenantId, { at: Date.now(), value });
    return value;
  };
}
