import { parseOrThrow } from '@mailroom/core';
import { listInbound, ListInboundQuerySchema } from '../../inbound/list-inbound';
import { inboundDeps, route } from '../../wiring';

/** GET /v1/inbound */
export const handler = route({ scope: 'read' }, async ({ principal, event }) => {
  const query = parseOrThrow(ListInboundQuerySchema, event.queryStringParameters ?? {}, 'invalid query');
  return { status: 200, body: await listInbound(principal.tenantId, query, await inboundDeps()) };
});
