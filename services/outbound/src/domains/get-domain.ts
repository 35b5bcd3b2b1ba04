import { NotFoundError } from '@mailroom/core';
import type { DomainDeps } from './deps';
import { domainView, type DomainView } from './records';
import { refreshDomain } from './refresh-domain';

/**
 * `GET /v1/domains/{domain}`: the tenant's domain with its verification and DKIM status read from SES
 * on every call (someone asking is usually waiting for exactly that change). Another tenant's domain is
 * a 404, as an absent one is.
 */
export async function getDomain(tenantId: string, domain: string, deps: DomainDeps): Promise<DomainView> {
  const record = await deps.domains.get(tenantId, domain);
  if (!record) throw new NotFoundError(`no sending domain ${domain}`);
  return domainView(await refreshDomain(record, deps), deps.region);
}
