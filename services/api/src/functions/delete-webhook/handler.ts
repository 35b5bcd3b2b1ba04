import { isId, NotFoundError } from '@mailroom/core';
import { deleteWebhook } from '../../webhooks/delete-webhook';
import { apiDeps, route } from '../../wiring';

/** DELETE /v1/webhooks/{id} */
export const handler = route({ scope: 'admin' }, async ({ principal, path }) => {
  const id = path('id');
  // Endpoint ids are ULIDs; anything else cannot name one.
  if (!isId(id)) throw new NotFoundError(`no webhook ${id}`);
  const deps = await apiDeps();
  await deleteWebhook(principal.tenantId, id, deps.webhooks);
  return { status: 204 };
});
