import { parseOrThrow } from '@mailroom/core';
import { listWebhooks, ListWebhooksQuerySchema } from '../../webhooks/list-webhooks';
import { apiDeps, route } from '../../wiring';

/** GET /v1/webhooks */
export const handler = route({ scope: 'admin' }, async ({ principal, event }) => {
  const query = parseOrThrow(ListWebhooksQuerySchema, event.queryStringParameters ?? {}, 'invalid query');
  const deps = await apiDeps();
  return { status: 200, body: await listWebhooks(principal.tenantId, query, deps.webhooks) };
});
