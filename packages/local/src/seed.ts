/**
 * The dev tenants, keys, verified sending domains and inbound routes of docs/contract.md ("Dev tenants").
 * Idempotent: what exists is left as it is.
 */
import { ConflictError, type ApiScope } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  DynamoDomainStore,
  DynamoRouteStore,
  DynamoTenantStore,
} from '@mailroom/core/aws';
import { DEV_DOMAINS, presetDkimTokens } from './dev-domains';

export { DEV_DOMAINS } from './dev-domains';

export const DEV_TENANTS = [
  { tenantId: 'acme', key: 'dev-acme-key' },
  { tenantId: 'globex', key: 'dev-globex-key' },
] as const;
export const DEV_SCOPES: readonly ApiScope[] = ['send', 'read', 'admin'];

/** Store-only routes, written through the real route store. */
export const DEV_ROUTES = [
  { pattern: '*@in.acme.localhost', tenantId: 'acme' },
  { pattern: '*@in.globex.localhost', tenantId: 'globex' },
] as const;

export interface SeedTarget {
  region: string;
  dynamodbEndpoint: string;
  tenantsTable: string;
  inboundTable: string;
}

const ignoreConflict = (e: unknown) => {
  if (!(e instanceof ConflictError)) throw e;
};

export async function seed(target: SeedTarget): Promise<void> {
  const doc = createDynamoDocumentClient({ region: target.region, endpoint: target.dynamodbEndpoint });
  try {
    const tenants = new DynamoTenantStore(doc, target.tenantsTable);
    for (const { tenantId, key } of DEV_TENANTS) {
      if (!(await tenants.getTenant(tenantId))) await tenants.createTenant(tenantId).catch(ignoreConflict);
      if (!(await tenants.authenticate(key))) {
        await tenants.createApiKey(tenantId, DEV_SCOPES, { key }).catch(ignoreConflict);
      }
    }
    // Verified from the start, as the SES stand-in's account holds them (dev-domains.ts).
    const domains = new DynamoDomainStore(doc, target.tenantsTable);
    for (const { domain, tenantId } of DEV_DOMAINS) {
      const { created } = await domains.claim(tenantId, domain);
      if (!created) continue;
      await domains.update(tenantId, domain, {
        status: 'verified',
        dkimTokens: presetDkimTokens(domain),
        dkimStatus: 'success',
        checkedAt: new Date().toISOString(),
      });
    }
    const routes = new DynamoRouteStore(doc, target.inboundTable);
    for (const { pattern, tenantId } of DEV_ROUTES) {
      if (!(await routes.get(pattern)))
        await routes.put({ pattern, tenantId, destination: { type: 'store' } });
    }
  } finally {
    doc.destroy();
  }
}
