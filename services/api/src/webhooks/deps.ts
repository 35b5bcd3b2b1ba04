import type { WebhookEndpointStore, WebhookSecrets } from '@mailroom/core';

/** What the /v1/webhooks use cases need. */
export interface WebhookDeps {
  endpoints: WebhookEndpointStore;
  secrets: WebhookSecrets;
  /** `/mailroom/<stage>/webhooks`: secrets are kept at `<prefix>/<tenant>/<id>`. */
  secretsPrefix: string;
  allowLocalHttp: boolean;
}
