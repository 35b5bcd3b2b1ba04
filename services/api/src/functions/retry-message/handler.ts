import { isId, NotFoundError } from '@mailroom/core';
import { retryMessage } from '../../messages/retry-message';
import { messagesDeps, route } from '../../wiring';

/** POST /v1/messages/{id}/retry — scope `send`: it makes Mailroom send the mail again (docs/message-retry.md). */
export const handler = route({ scope: 'send' }, async ({ principal, path }) => {
  const id = path('id');
  // Message ids are ULIDs; anything else cannot name a message.
  if (!isId(id)) throw new NotFoundError(`no message ${id}`);
  return { status: 202, body: await retryMessage(principal.tenantId, id, await messagesDeps()) };
});
