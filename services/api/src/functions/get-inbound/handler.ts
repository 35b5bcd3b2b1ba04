import { isId, NotFoundError } from '@mailroom/core';
import { getInbound } from '../../inbound/get-inbound';
import { inboundDeps, route } from '../../wiring';

/** GET /v1/inbound/{id} */
export const handler = route({ scope: 'read' }, async ({ principal, path }) => {
  const id = path('id');
  // Inbound ids are ULIDs; anything else cannot name a mail.
  if (!isId(id)) throw new NotFoundError(`no inbound mail ${id}`);
  return { status: 200, body: await getInbound(principal.tenantId, id, await inboundDeps()) };
});
