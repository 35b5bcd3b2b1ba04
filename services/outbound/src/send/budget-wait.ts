import type { SendQueueMessage } from '@mailroom/core';
import type { ProviderName } from '../providers/port';
import type { SendBudgetExhaustedError } from '../rate/budget';
import { MAX_DELAY_SECONDS } from '../rate/tenant-share';
import { lockKeyOf, type SendDeps, type SendOutcome, type SendRecord } from './deps';
import { persist } from './persist';

/**
 * No budget for the mail now (no slot within the wait bound, or the 24-hour quota spent): it waits on the
 * queue, and the wait is no attempt. SQS counts receives, not attempts — pushing this record's visibility
 * out would spend one of its 10 receives on every wait, and a mail that waits out a spent 24-hour quota
 * (up to a day, in waits of at most 15 minutes) would reach the DLQ without ever being tried. So a copy of
 * the record goes back on the queue with a delay, carrying the attempts made so far (`attemptsUsed`: this
 * record's receives before this one; this receive found no budget and made none), and the original is
 * consumed: the copy's receive count starts again at 1. The message is not `sending` yet (the budget is
 * asked before the attempt is counted), stays `queued`, and gets a `budget_wait` event, which also shows
 * the unsent-mail sweeper (sweep-unsent.ts) that the mail is alive.
 *
 * If the copy is sent and the original is then not consumed (a crash in between), both arrive: the dedupe
 * lock lets one of them send.
 */
export async function waitForBudget(
  err: SendBudgetExhaustedError,
  ctx: { message: SendQueueMessage; owner: string; record: SendRecord; providerName: ProviderName },
  deps: SendDeps,
): Promise<SendOutcome> {
  const { message, owner, record, providerName } = ctx;
  const seconds = Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  // Nothing was sent: the copy must find the lock free.
  await deps.lock.release(lockKeyOf(message), owner);
  await persist(
    () =>
      deps.messages.transition(message.id, message.tenantId, {
        status: 'queued',
        provider: providerName,
        event: {
          type: 'budget_wait',
          provider: providerName,
          data: { quota: err.quota, delaySeconds: seconds },
        },
      }),
    deps,
    'record budget wait',
  );
  const body = JSON.parse(record.body) as Record<string, unknown>;
  // `record.receiveCount` already counts earlier copies' attempts (unwrapCopyFields in send-message.ts).
  const copy = { ...body, attemptsUsed: record.receiveCount - 1 };
  await deps.requeue(JSON.stringify(copy), seconds);
  deps.count('SendBudgetWaits');
  return 'waiting';
}

/**
 * A copy whose attempts (earlier copies' plus its receives) are past the queue's maxReceiveCount: SQS
 * would have moved the original to the DLQ by now, but it counts only this copy's receives, so the send
 * function moves it — without `attemptsUsed`, so that a redrive starts with all its attempts — and consumes
 * it. Its last attempt already recorded it `failed` (failure.ts); the DLQ marker (mark-dead-letters.ts)
 * marks it if a crash left it unsent.
 */
export async function parkInDeadLetterQueue(record: SendRecord, deps: SendDeps): Promise<SendOutcome> {
  const body = JSON.parse(record.body) as Record<string, unknown>;
  delete body.attemptsUsed;
  delete body.shareSlotAt;
  await deps.deadLetter(JSON.stringify(body));
  deps.logger.warn('moved a record past its attempts to the DLQ', { messageId: body.id });
  return 'failed';
}
