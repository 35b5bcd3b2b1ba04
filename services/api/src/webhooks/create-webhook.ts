import {
  generateWebhookSecret,
  MESSAGE_STATUSES,
  MessageStatusSchema,
  newId,
  parseOrThrow,
  webhookSecretName,
} from '@mailroom/core';
import { z } from 'zod';
import type { WebhookDeps } from './deps';
import { webhookView, type WebhookView } from './view';
import { webhookUrlSchema } from './webhook-url';

export const createWebhookRequestSchema = (allowLocalHttp: boolean) =>
  z.strictObject({
    url: webhookUrlSchema({ allowLocalHttp }),
    /** The statuses to post; every status when absent. */
    events: z
      .array(MessageStatusSchema)
      .min(1)
      .max(MESSAGE_STATUSES.length)
      .refine((list) => new Set(list).size === list.length, { error: 'must not repeat a status' })
      .optional(),
  });

/** The body before the URL rules, which depend on config: checked again in createWebhook. */
export const CreateWebhookBodySchema = createWebhookRequestSchema(true);
export type CreateWebhookRequest = z.infer<typeof CreateWebhookBodySchema>;

/**
 * `POST /v1/webhooks`: a new active endpoint and its signing secret, shown once. The secret is stored
 * first, then the endpoint; if the endpoint cannot be stored (the tenant's limit: 409 WEBHOOK.LIMIT) the
 * secret is removed again, so no endpoint ever exists without its secret.
 */
export async function createWebhook(
  tenantId: string,
  request: CreateWebhookRequest,
  deps: WebhookDeps,
): Promise<WebhookView & { secret: string }> {
  const body = parseOrThrow(createWebhookRequestSchema(deps.allowLocalHttp), request, 'invalid webhook');
  const id = newId();
  const secret = generateWebhookSecret();
  const secretParameter = webhookSecretName(deps.secretsPrefix, tenantId, id);
  await deps.secrets.put(secretParameter, secret);
  try {
    const endpoint = await deps.endpoints.create({
      id,
      tenantId,
      url: body.url,
      events: body.events ?? [...MESSAGE_STATUSES],
      secretParameter,
    });
    return { ...webhookView(endpoint), secret };
  } catch (err) {
    await deps.secrets.remove(secretParameter).catch(() => undefined); // the refusal is what matters
    throw err;
  }
}
