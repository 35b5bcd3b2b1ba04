import { parseOrThrow } from '@mailroom/core';
import { listDomains, ListDomainsQuerySchema } from '../../domains/list-domains';
import { httpDeps, route } from '../../wiring';

/** GET /v1/domains */
export const handler = route({ scope: 'admin' }, async ({ principal, event }) => {
  const query = parseOrThrow(ListDomainsQuerySchema, event.queryStringParameters ?? {}, 'invalid query');
  const deps = await httpDeps();
  return { status: 200, body: await listDomains(principal.tenantId, query, deps.domainApi) };
});
