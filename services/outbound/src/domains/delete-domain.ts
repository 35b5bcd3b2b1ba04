import { NotFoundError, SES_IDENTITY_TAGS } from '@mailroom/core';
import type { DomainDeps } from './deps';

/**
 * `DELETE /v1/domains/{domain}`: deletes the SES identity, then the tenant's claim, so a request that
 * fails half-way is finished by its retry (the claim is still there to find). Another tenant's domain is a
 * 404. The identity is deleted only when its tags say this stage and tenant own it: a claim left by a
 * request that died before it found the identity was someone else's must not delete theirs.
 */
export async function deleteDomain(tenantId: string, domain: string, deps: DomainDeps): Promise<void> {
  const record = await deps.domains.get(tenantId, domain);
  if (!record) throw new NotFoundError(`no sending domain ${domain}`);
  const identity = await deps.identities.get(domain);
  if (
    identity?.tags[SES_IDENTITY_TAGS.stage] === deps.stage &&
    identity.tags[SES_IDENTITY_TAGS.tenant] === tenantId
  ) {
    await deps.identities.remove(domain);
  }
  // false: a concurrent DELETE got there first; the domain is gone either way.
  await deps.domains.remove(tenantId, domain);
}
