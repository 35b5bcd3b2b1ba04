import { isId, NotFoundError } from '@mailroom/core';
import { getMessage } from '../../get-message';
import { apiDeps, route } from '../../wiring';

/** GET /v1/messages/{id} */
export const handler = route({ scope: 'read' }, async ({ principal, path }) => {
  const id = path('id');
  // Message ids are ULIDs; anything else cannot name a message.
  if (!isId(id)) throw new NotFoundError(`no message ${id}`);
  const deps = await apiDeps();
  return { status: 200, body: await getMessage(principal.tenantId, id, deps.messages) };
});
