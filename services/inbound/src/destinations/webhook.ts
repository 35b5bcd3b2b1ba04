import {
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  postSignedWebhookWithRetries,
  WebhookUnavailableError,
  type SignedPost,
  type WebhookRetryPolicy,
} from '@mailroom/core';
import { deliveryPayload } from './payload';
import type { Destination, InboundDelivery } from './port';
import type { SecretSource } from './secrets';

export type WebhookRetry = WebhookRetryPolicy;

/**
 * Three tries with full-jitter backoff (up to 1 s, then 2 s) fit a worst case of 3 × 10 s timeouts + 3 s
 * in one invocation; the retry schedule carries on after that.
 */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = { attempts: 3, baseMs: 1_000, capMs: 5_000 };

export interface WebhookDestinationDeps {
  secrets: SecretSource;
  retry?: WebhookRetry;
  timeoutMs?: number;
  /** Injected by tests. */
  post?: (post: SignedPost) => Promise<{ status: number }>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * POSTs the delivery payload as JSON, signed (`Mailroom-Signature`), to the route's URL. A 2xx delivers.
 * A 4xx other than 408/429 is the receiver's final word (WebhookRejectedError, not retried); anything else
 * (unreachable, timeout, 5xx, 408, 429) is tried again after a backoff, up to `attempts` in all, then
 * thrown as WebhookUnavailableError for the retry schedule. Every try carries the same body and
 * `Mailroom-Delivery-Id` (the inbound id), so a receiver can drop a repeat.
 */
export class WebhookDestination implements Destination {
  constructor(
    private readonly target: { url: string; secretParameter: string },
    private readonly deps: WebhookDestinationDeps,
  ) {}

  async deliver(delivery: InboundDelivery): Promise<void> {
    const secret = await this.deps.secrets.get(this.target.secretParameter);
    const body = JSON.stringify(deliveryPayload(delivery));
    const outcome = await postSignedWebhookWithRetries(
      {
        url: this.target.url,
        secret,
        body,
        headers: { 'mailroom-delivery-id': delivery.record.id },
        timeoutMs: this.deps.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
      },
      this.deps.retry ?? DEFAULT_WEBHOOK_RETRY,
      {
        ...(this.deps.post && { post: this.deps.post }),
        ...(this.deps.sleep && { sleep: this.deps.sleep }),
        ...(this.deps.random && { random: this.deps.random }),
      },
    );
    if (outcome.delivered) return;
    const { error } = outcome;
    if (!outcome.retryable || error instanceof WebhookUnavailableError) throw error;
    throw new WebhookUnavailableError(`webhook delivery failed: ${String(error)}`, undefined, {
      cause: error,
    });
  }
}
