import type { WebhookEndpoint, WebhookEndpointStore, WebhookSecrets } from '@mailroom/core';

/** How long a container trusts its copy of a tenant's active endpoints (docs/status-webhooks.md). */
export const DEFAULT_ENDPOINT_CACHE_MS = 30_000;
/** Tenants (and secrets) kept per container; the oldest entry goes first beyond it. */
const MAX_ENTRIES = 1_000;

/**
 * The tenants' active endpoints and their secrets as one notify container sees them. Endpoints are read
 * once per tenant per `cacheMs` (one Query), so a burst of status changes costs no read per change; a
 * new, removed or disabled endpoint is seen within `cacheMs`. Secrets never change for an endpoint id,
 * so they are kept as long as the container lives. Failed reads are not cached.
 */
export class EndpointDirectory {
  private readonly endpoints = new Map<string, { until: number; list: Promise<WebhookEndpoint[]> }>();
  private readonly secrets = new Map<string, Promise<string | null>>();

  constructor(
    private readonly store: Pick<WebhookEndpointStore, 'listActive'>,
    private readonly secretStore: Pick<WebhookSecrets, 'get'>,
    private readonly cacheMs = DEFAULT_ENDPOINT_CACHE_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  activeEndpoints(tenantId: string): Promise<WebhookEndpoint[]> {
    const now = this.clock();
    const cached = this.endpoints.get(tenantId);
    if (cached && cached.until > now) return cached.list;
    const list = this.store.listActive(tenantId);
    remember(this.endpoints, tenantId, { until: now + this.cacheMs, list });
    list.catch(() => this.endpoints.delete(tenantId));
    return list;
  }

  secret(parameter: string): Promise<string | null> {
    const cached = this.secrets.get(parameter);
    if (cached) return cached;
    const secret = this.secretStore.get(parameter);
    remember(this.secrets, parameter, secret);
    // Neither a failed read nor a missing secret is kept: the next delivery asks again.
    secret.then(
      (value) => value === null && this.secrets.delete(parameter),
      () => this.secrets.delete(parameter),
    );
    return secret;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}
