import { NotFoundError } from '@mailroom/core';
import type { WebhookDeps } from './deps';

/**
 * `DELETE /v1/webhooks/{id}`: the endpoint and its secret. Another tenant's id is a 404 like an absent
 * one. The secret goes first: should the second step fail, the request can simply be repeated (a missing
 * secret is not an error), and an endpoint left for that moment without its secret only fails deliveries.
 */
export async function deleteWebhook(
  tenantId: string,
  id: string,
  deps: Pick<WebhookDeps, 'endpoints' | 'secrets'>,
): Promise<void> {
  const endpoint = await deps.endpoints.get(tenantId, id);
  if (!endpoint) throw new NotFoundError(`no webhook ${id}`);
  await deps.secrets.remove(endpoint.secretParameter);
  if (!(await deps.endpoints.remove(tenantId, id))) throw new NotFoundError(`no webhook ${id}`);
}
