import { DomainNameSchema, parseOrThrow } from '@mailroom/core';
import { getDomain } from '../../domains/get-domain';
import { httpDeps, route } from '../../wiring';

/** GET /v1/domains/{domain} */
export const handler = route({ scope: 'admin' }, async ({ principal, path }) => {
  const domain = parseOrThrow(DomainNameSchema, path('domain'), 'invalid domain');
  const deps = await httpDeps();
  return { status: 200, body: await getDomain(principal.tenantId, domain, deps.domainApi) };
});
