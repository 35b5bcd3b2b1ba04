import { parseOrThrow } from '@mailroom/core';
import { listMessages, ListMessagesQuerySchema } from '../../messages/list-messages';
import { messagesDeps, route } from '../../wiring';

/** GET /v1/messages */
export const handler = route({ scope: 'read' }, async ({ principal, event }) => {
  const query = parseOrThrow(ListMessagesQuerySchema, event.queryStringParameters ?? {}, 'invalid query');
  return { status: 200, body: await listMessages(principal.tenantId, query, await messagesDeps()) };
});
