import {
  backoffDelay,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  MailroomError,
  postSignedWebhook,
  WebhookUnavailableError,
  type SignedPost,
} from '@mailroom/core';
import { deliveryPayload } from './payload';
import type { Destination, InboundDelivery } from './port';
import type { SecretSource } from './secrets';

export interface WebhookRetry {
  /** Tries in one invocation, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

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

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
    const retry = this.deps.retry ?? DEFAULT_WEBHOOK_RETRY;
    const post = this.deps.post ?? postSignedWebhook;
    const sleep = this.deps.sleep ?? sleepFor;
    for (let attempt = 1; ; attempt++) {
      try {
        await post({
          url: this.target.url,
          secret,
          body,
          headers: { 'mailroom-delivery-id': delivery.record.id },
          timeoutMs: this.deps.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
        });
        return;
      } catch (err) {
        const retryable = err instanceof MailroomError ? err.retryable : true;
        if (!retryable) throw err;
        if (attempt >= retry.attempts) {
          throw err instanceof WebhookUnavailableError
            ? err
            : new WebhookUnavailableError(`webhook delivery failed: ${String(err)}`, undefined, {
                cause: err,
              });
        }
        await sleep(
          backoffDelay(attempt - 1, {
            baseMs: retry.baseMs,
            capMs: retry.capMs,
            ...(this.deps.random ? { random: this.deps.random } : {}),
          }),
        );
      }
    }
  }
}
