import { isId, NotFoundError } from '@mailroom/core';
import { retryInbound } from '../../inbound/retry-inbound';
import { inboundDeps, route } from '../../wiring';

/** POST /v1/inbound/{id}/retry — scope `send`: it makes Mailroom deliver again (docs/api-lists.md). */
export const handler = route({ scope: 'send' }, async ({ principal, path }) => {
  const id = path('id');
  if (!isId(id)) throw new NotFoundError(`no inbound mail ${id}`);
  return { status: 202, body: await retryInbound(principal.tenantId, id, await inboundDeps()) };
});
