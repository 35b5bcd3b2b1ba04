import { backoffDelay, classifyError } from '@mailroom/core';
import { nowOf, sleepOf, type SendDeps } from './deps';

const BASE_MS = 100;
const CAP_MS = 2_000;
/** Attempts at most, whatever the time allows. */
const MAX_ATTEMPTS = 10;

/**
 * Runs a write that must not be lost once the provider has the mail (recording `sent` with the lock) or
 * once a verdict is reached, retrying what DynamoDB may pass on a later try (throttling, 5xx, a
 * transaction conflict) with exponential backoff and full jitter, for at most `recordRetryMs` from the
 * first failure. The SDK's own retries (3 attempts) run inside each of these.
 *
 * The budget: the send function's 30 s timeout holds a budget wait (MAILROOM_RATE_MAX_WAIT_MS, 10 s), a
 * provider call (MAILROOM_PROVIDER_TIMEOUT_MS, 10 s, SES and SendGrid) and this (8 s by default), with room
 * for the rest. A big mail's wait for its turn (send/byte-budget.ts) is not in it: it lasts as long as the
 * big mails ahead of it in the batch take, each bounded by the same timeouts.
 */
export async function persist<T>(
  write: () => Promise<T>,
  deps: Pick<SendDeps, 'sleep' | 'now' | 'logger' | 'settings'>,
  what: string,
): Promise<T> {
  const sleep = sleepOf(deps);
  let deadline: number | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      deadline ??= nowOf(deps) + deps.settings.recordRetryMs;
      const wait = backoffDelay(attempt - 1, { baseMs: BASE_MS, capMs: CAP_MS });
      // Only what DynamoDB itself may pass on a later try; anything else (a bug, a crash) is not retried.
      const { kind } = classifyError(err);
      const passes = kind === 'throttling' || kind === 'transient';
      if (!passes || attempt >= MAX_ATTEMPTS || nowOf(deps) + wait > deadline) throw err;
      deps.logger.warn('write failed; trying again', { what, attempt, waitMs: wait, err });
      await sleep(wait);
    }
  }
}
