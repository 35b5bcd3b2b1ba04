/**
 * The dev tenants, keys, verified sending domains and inbound routes of docs/contract.md ("Dev tenants").
 * Idempotent: what exists is left as it is.
 */
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConflictError, type ApiScope } from '@mailroom/core';
import { createDynamoDocumentClient, DynamoDomainStore, DynamoTenantStore } from '@mailroom/core/aws';
import { DEV_DOMAINS, presetDkimTokens } from './dev-domains';

export { DEV_DOMAINS } from './dev-domains';

export const DEV_TENANTS = [
  { tenantId: 'acme', key: 'dev-acme-key' },
  { tenantId: 'globex', key: 'dev-globex-key' },
] as const;
export const DEV_SCOPES: readonly ApiScope[] = ['send', 'read', 'admin'];

/**
 * The inbound route table is not designed yet; until it is, a route is
 * `pk = ROUTE#<pattern>, sk = ROUTE, { pattern, tenantId, destination: { type: 'store' } }`.
 */
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

export async function seed(target: SeedTarget, dynamodb: DynamoDBClient): Promise<void> {
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
  } finally {
    doc.destroy();
  }
  for (const { pattern, tenantId } of DEV_ROUTES) {
    await dynamodb.send(
      new PutItemCommand({
        TableName: target.inboundTable,
        Item: {
          pk: { S: `ROUTE#${pattern}` },
          sk: { S: 'ROUTE' },
          pattern: { S: pattern },
          tenantId: { S: tenantId },
          destination: { M: { type: { S: 'store' } } },
        },
      }),
    );
  }
}
