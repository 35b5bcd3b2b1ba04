import { MailroomError } from '../errors';
import { backoffDelay } from '../retry/backoff';
import { postSignedWebhook, type SignedPost } from './deliver';

/** Tries of one signed POST inside one invocation, with full-jitter backoff between them. */
export interface WebhookRetryPolicy {
  /** Tries, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
}

export interface WebhookRetryHooks {
  post?: (post: SignedPost) => Promise<{ status: number }>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Whether an error is worth another try; default: a retryable MailroomError, or any other error. */
  retryable?: (err: unknown) => boolean;
  /** False stops before waiting `waitMs` for another try (e.g. the invocation is running out of time). */
  mayWait?: (waitMs: number) => boolean;
}

export type WebhookRetryOutcome =
  | { delivered: true; attempts: number }
  /** `retryable`: the last error was worth another try, but the tries (or the time) ran out. */
  | { delivered: false; attempts: number; error: unknown; retryable: boolean };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isRetryable = (err: unknown) => (err instanceof MailroomError ? err.retryable : true);

/**
 * POSTs a signed body until a 2xx, a final answer (a 4xx: WebhookRejectedError) or the end of the policy's
 * tries. Every try sends the same body and headers, so a receiver can drop repeats by a delivery id. The
 * caller decides what a failure means (record it, park it, throw it).
 */
export async function postSignedWebhookWithRetries(
  post: SignedPost,
  policy: WebhookRetryPolicy,
  hooks: WebhookRetryHooks = {},
): Promise<WebhookRetryOutcome> {
  const send = hooks.post ?? postSignedWebhook;
  const sleep = hooks.sleep ?? sleepFor;
  const retryable = hooks.retryable ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    try {
      await send(post);
      return { delivered: true, attempts: attempt };
    } catch (error) {
      if (!retryable(error)) return { delivered: false, attempts: attempt, error, retryable: false };
      if (attempt >= policy.attempts) return { delivered: false, attempts: attempt, error, retryable: true };
      const wait = backoffDelay(attempt - 1, {
        baseMs: policy.baseMs,
        capMs: policy.capMs,
        ...(hooks.random && { random: hooks.random }),
      });
      if (hooks.mayWait && !hooks.mayWait(wait)) {
        return { delivered: false, attempts: attempt, error, retryable: true };
      }
      await sleep(wait);
    }
  }
}
