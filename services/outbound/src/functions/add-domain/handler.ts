import { addDomain, AddDomainRequestSchema } from '../../domains/add-domain';
import { httpDeps, route } from '../../wiring';

/** POST /v1/domains */
export const handler = route(
  {
    scope: 'admin',
    body: { schema: AddDomainRequestSchema, maxBytes: 4 * 1024, what: 'domain request' },
  },
  async ({ principal, body }) => {
    const deps = await httpDeps();
    return { status: 201, body: await addDomain(principal.tenantId, body, deps.domainApi) };
  },
);
