import type { SSMClient } from '@aws-sdk/client-ssm';
import { SsmWebhookSecrets } from '@mailroom/core/aws';
import { SecretUnavailableError, WebhookSecretMissingError } from './errors';

/** Where a webhook route's signing secret is read from, by its Parameter Store name. */
export interface SecretSource {
  get(name: string): Promise<string>;
}

/** A rotated secret reaches every warm container within this long. */
export const SECRET_TTL_MS = 60_000;

/**
 * Routes' webhook signing secrets in Parameter Store, one SecureString each (the route's
 * `secretParameter`), read with decryption as tenants' SendGrid keys are (services/outbound,
 * adapters/tenant-secrets.ts). Kept for a minute per container so a burst of mail to one route reads it
 * once; a failed read is not kept. Secrets never enter records, payloads or logs.
 */
export class ParameterStoreSecrets implements SecretSource {
  private readonly cache = new Map<string, { at: number; value: Promise<string> }>();
  /** The SecureString read (with decryption), shared with the status webhooks' secrets. */
  private readonly parameters: SsmWebhookSecrets;

  constructor(
    ssm: Pick<SSMClient, 'send'>,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.parameters = new SsmWebhookSecrets(ssm);
  }

  get(name: string): Promise<string> {
    const now = this.options.now ?? Date.now;
    const ttl = this.options.ttlMs ?? SECRET_TTL_MS;
    const hit = this.cache.get(name);
    if (hit && now() - hit.at < ttl) return hit.value;
    const entry = { at: now(), value: this.read(name) };
    entry.value.catch(() => {
      if (this.cache.get(name) === entry) this.cache.delete(name);
    });
    this.cache.set(name, entry);
    return entry.value;
  }

  private async read(name: string): Promise<string> {
    let value: string | null;
    try {
      value = await this.parameters.get(name);
    } catch (err) {
      throw new SecretUnavailableError(`reading SSM parameter ${name} failed: ${(err as Error).name}`, {
        cause: err,
      });
    }
    if (value === null) {
      throw new WebhookSecretMissingError(
        `the webhook signing secret parameter ${name} does not exist or has no value`,
      );
    }
    return value;
  }
}
