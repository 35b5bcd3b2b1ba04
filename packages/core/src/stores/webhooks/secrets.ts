import { randomBytes } from 'node:crypto';

/**
 * Where endpoints' signing secrets live: one SecureString parameter per endpoint, named
 * `<prefix>/<tenantId>/<endpointId>` (prefix `/mailroom/<stage>/webhooks`), so IAM can give the api
 * write access and the notify function read access below that prefix and nowhere else.
 * Implementations: SsmWebhookSecrets (`@mailroom/core/aws`), InMemoryWebhookSecrets (`@mailroom/core/testing`).
 */
export interface WebhookSecrets {
  /** Stores a new secret; fails if the name is taken (a secret is never silently replaced). */
  put(name: string, secret: string): Promise<void>;
  /** The secret, or null when there is none. */
  get(name: string): Promise<string | null>;
  /** Removes it; an absent one is not an error (removal is retried safely). */
  remove(name: string): Promise<void>;
}

export const webhookSecretName = (prefix: string, tenantId: string, endpointId: string): string =>
  `${prefix}/${tenantId}/${endpointId}`;

/** `whsec_` + 32 random bytes, base64url: recognisable in secret scanners, shown to the tenant once. */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;
