import type { WebhookEndpoint } from '@mailroom/core';

/** An endpoint as the API shows it: never the secret nor where it is kept. */
export const webhookView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  status: e.status,
  failures: e.failures,
  lastError: e.lastError ?? null,
  createdAt: e.createdAt,
  disabledAt: e.disabledAt ?? null,
});
export type WebhookView = ReturnType<typeof webhookView>;
