import { backoffSeconds, classifyError, ProviderError, type SendQueueMessage } from '@mailroom/core';
import type { ProviderName } from '../providers/port';
import { lockKeyOf, nowOf, RetryLaterError, type SendDeps, type SendOutcome, type SendRecord } from './deps';
import { persist } from './persist';
import { recordSent, recordVerdict } from './record';
import { lastErrorOf, tenantError } from './tenant-error';

export interface FailureContext {
  message: SendQueueMessage;
  providerName: ProviderName;
  /** The lock's owner token and lease end, from acquire. */
  owner: string;
  leaseExpiresAt: number;
  record: SendRecord;
}

/**
 * The backoff of account-level faults (SES sending paused, access denied, a refused platform key, a
 * configuration error): at least `baseSeconds` (60 s) and doubling to `capSeconds` (900 s), so a person
 * has time to fix the account before the record runs out of receives. With maxReceiveCount 10 a record
 * waits between receives 60, 60–120, 60–240, 60–480 and then 60–900 s five times: from 9 minutes (every
 * draw at its floor) to 90 minutes (every draw at its ceiling) before it is parked in the DLQ, about
 * 46 minutes on average (the arithmetic: 60 + 75 + 127.5 + 243.75 + 5 · 452 s). SQS allows up to 12 hours per wait (ChangeMessageVisibility).
 */
const accountDelay = (attempt: number, deps: SendDeps) =>
  backoffSeconds(attempt, {
    ...deps.settings.accountRetry,
    minSeconds: deps.settings.accountRetry.baseSeconds,
  });

/**
 * After a failed attempt. The verdict comes from the error's class (core's typed errors, toProviderError):
 * - accepted (the provider took the mail, without a message id): recorded `sent`, never sent again;
 * - permanent: `failed` at once, the lock completed with the verdict in the same write;
 * - retryable: `queued` with a `retry_scheduled` event and the record pushed out by backoff — a long one
 *   for account faults; on the last receive `failed` (recoverable: the record goes on to the DLQ).
 * The lock is released only when the provider surely does not have the mail; after a timeout it stays
 * until its lease ends, and the next attempt waits for that.
 * What the tenant sees is a code and a safe message (tenant-error.ts); the error itself is logged.
 */
export async function handleFailure(err: unknown, ctx: FailureContext, deps: SendDeps): Promise<SendOutcome> {
  const { message, providerName, owner, record } = ctx;
  const verdict = classifyError(err);
  const outcome = err instanceof ProviderError ? err.sendOutcome : 'refused';
  const shown = tenantError(err);
  const lastError = lastErrorOf(shown);
  deps.logger.warn('send attempt failed', {
    messageId: message.id,
    tenantId: message.tenantId,
    provider: providerName,
    code: shown.code,
    kind: verdict.kind,
    reason: verdict.reason,
    receiveCount: record.receiveCount,
    err,
  });
  if (verdict.kind === 'account') deps.count('ProviderAccountFaults');
  const held = { message, owner };

  if (outcome === 'accepted') {
    deps.count('ProviderAcceptedWithoutId');
    await recordSent(deps, { ...held, provider: providerName, warning: shown });
    return 'sent';
  }
  const exhausted = record.receiveCount >= deps.settings.maxReceiveCount;
  const failed = (retryable: boolean) =>
    ({
      status: 'failed',
      provider: providerName,
      lastError,
      event: {
        type: 'failed',
        provider: providerName,
        data: { code: shown.code, error: shown.message, retryable },
      },
    }) as const;

  if (!verdict.retryable) {
    await recordVerdict(deps, held, failed(false), shown).catch(async (writeErr: unknown) => {
      // Nothing was sent: hand the lock back so the redelivery need not wait for the lease.
      await deps.lock.release(lockKeyOf(message), owner).catch(() => undefined);
      throw writeErr;
    });
    return 'failed';
  }

  // Nothing was sent: let the next attempt (or a redrive) take the lock at once.
  if (outcome === 'refused') await deps.lock.release(lockKeyOf(message), owner);
  if (exhausted) {
    // Failed, but recoverable: the record's next receive parks it in the DLQ, for a redrive.
    await persist(
      () => deps.messages.transition(message.id, message.tenantId, failed(true)),
      deps,
      'record failed',
    );
    await deps.delay(record.receiptHandle, 0);
    throw new RetryLaterError(0, { cause: err });
  }
  const attempt = record.receiveCount - 1;
  let seconds =
    verdict.kind === 'account' ? accountDelay(attempt, deps) : backoffSeconds(attempt, deps.settings.retry);
  // The provider may have the mail: the next attempt comes after the lease, which it then takes over.
  if (outcome === 'unknown')
    seconds = Math.max(seconds, Math.ceil((ctx.leaseExpiresAt - nowOf(deps)) / 1000) + 1);
  await persist(
    () =>
      deps.messages.transition(message.id, message.tenantId, {
        status: 'queued',
        provider: providerName,
        lastError,
        event: {
          type: 'retry_scheduled',
          provider: providerName,
          data: { code: shown.code, error: shown.message, delaySeconds: seconds },
        },
      }),
    deps,
    'record retry',
  );
  await deps.delay(record.receiptHandle, seconds);
  throw new RetryLaterError(seconds, { cause: err });
}
