import { createWebhook, CreateWebhookBodySchema } from '../../webhooks/create-webhook';
import { apiDeps, route } from '../../wiring';

/** POST /v1/webhooks */
export const handler = route(
  { scope: 'admin', body: { schema: CreateWebhookBodySchema, maxBytes: 8 * 1024, what: 'webhook' } },
  async ({ principal, body }) => {
    const deps = await apiDeps();
    return { status: 201, body: await createWebhook(principal.tenantId, body, deps.webhooks) };
  },
);
