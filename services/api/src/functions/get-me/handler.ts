import { opsConfig } from '../../ops/config';
import { route } from '../../wiring';

/** GET /v1/me — who the key belongs to and what it may do (the console signs in with it). */
export const handler = route({ scope: 'read' }, async ({ principal }) => ({
  status: 200,
  body: {
    tenantId: principal.tenantId,
    scopes: principal.scopes,
    operator: principal.tenantId === opsConfig().MAILROOM_OPERATOR_TENANT,
  },
}));
