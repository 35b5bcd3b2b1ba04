import { DomainNameSchema, parseOrThrow } from '@mailroom/core';
import { deleteDomain } from '../../domains/delete-domain';
import { httpDeps, route } from '../../wiring';

/** DELETE /v1/domains/{domain} */
export const handler = route({ scope: 'admin' }, async ({ principal, path }) => {
  const domain = parseOrThrow(DomainNameSchema, path('domain'), 'invalid domain');
  const deps = await httpDeps();
  await deleteDomain(principal.tenantId, domain, deps.domainApi);
  return { status: 204 };
});
