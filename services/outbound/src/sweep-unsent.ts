import type { Logger } from '@aws-lambda-powertools/logger';
import { UNSENT_STATUSES, type MessageStore, type RequestStore, type SendQueueMessage } from '@mailroom/core';
import { describe } from './send/tenant-error';

export interface SweepDeps {
  messages: MessageStore;
  requests: Pick<RequestStore, 'get'>;
  enqueue(message: SendQueueMessage): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Publishes a value for an alarm (CloudWatch EMF in the wiring). */
  gauge(metric: string, value: number, unit: 'Count' | 'Seconds'): void;
  now?: () => number;
  settings: {
    /** Unsent mail nobody has touched for this long is stuck (MAILROOM_UNSENT_AFTER_MINUTES). */
    unsentAfterMinutes: number;
  };
}

/** Stuck messages handled per run (every 5 minutes); more wait for the next run. */
const MAX_STUCK = 100;
const STUCK = 'SEND.STUCK';

/**
 * Nothing stays `queued` or `sending` for ever. Every run:
 * 1. publishes the age of the oldest unsent mail (`OldestUnsentMailAgeSeconds`): the alarm on it is the
 *    "mail waiting more than 10 minutes" alarm. It is measured on the messages, not on the queue: SQS's
 *    ApproximateAgeOfOldestMessage leaves out records received three times or more, which is every
 *    record in retry, and sees nothing at all of a mail whose record vanished.
 * 2. takes the unsent mail nobody has touched for `unsentAfterMinutes` (each attempt and each scheduled
 *    retry touches it; the longest wait between two is the account backoff's 15 minutes): its record
 *    vanished (an enqueue lost after the 202, a record that died with its worker), or the queue is far
 *    behind. Such mail is put back on the queue once, from its stored request (the lock absorbs a copy
 *    whose original turns up after all); mail still untouched a bound after that, or with no stored
 *    request, is marked `failed` with `SEND.STUCK` — visible, and recoverable by a retry.
 */
export async function sweepUnsent(deps: SweepDeps): Promise<{ requeued: number; failed: number }> {
  const now = (deps.now ?? Date.now)();
  const [oldest] = await deps.messages.listUnsent({ createdBefore: new Date(now).toISOString(), limit: 1 });
  const age = oldest ? Math.max(0, Math.round((now - Date.parse(oldest.createdAt)) / 1000)) : 0;
  deps.gauge('OldestUnsentMailAgeSeconds', age, 'Seconds');

  const cutoff = new Date(now - deps.settings.unsentAfterMinutes * 60_000).toISOString();
  const candidates = await deps.messages.listUnsent({ createdBefore: cutoff, limit: MAX_STUCK });
  let requeued = 0;
  let failed = 0;
  for (const unsent of candidates.filter((m) => m.updatedAt < cutoff)) {
    try {
      // Put back once per stall: a requeue sets updatedAt = requeuedAt, any later attempt moves updatedAt on.
      const requeuedLast = unsent.requeuedAt !== undefined && unsent.requeuedAt >= unsent.updatedAt;
      const request = requeuedLast ? undefined : await deps.requests.get(unsent.tenantId, unsent.id);
      // After a retry, the copy must carry the current attempt's id, or the send path consumes it as stale.
      const retryId = request && (await deps.messages.get(unsent.id))?.retryId;
      if (request) {
        await deps.enqueue(retryId === undefined ? request : { ...request, retryId });
        const at = new Date(now).toISOString();
        await deps.messages.transition(unsent.id, unsent.tenantId, {
          status: 'queued',
          requeuedAt: at,
          onlyFrom: UNSENT_STATUSES,
          event: { type: 'requeued', at, provider: null, data: { after: unsent.status } },
        });
        requeued += 1;
        continue;
      }
      const marked = await deps.messages.transition(unsent.id, unsent.tenantId, {
        status: 'failed',
        lastError: `${STUCK}: ${describe(STUCK)}`,
        onlyFrom: UNSENT_STATUSES,
        event: {
          type: 'failed',
          provider: null,
          data: { code: STUCK, error: describe(STUCK), retryable: true },
        },
      });
      if (marked) failed += 1;
    } catch (err) {
      deps.logger.error('could not sweep an unsent message', { messageId: unsent.id, err });
    }
  }
  if (requeued || failed) deps.logger.warn('swept unsent mail', { requeued, failed, oldestAgeSeconds: age });
  deps.gauge('StuckMailRequeued', requeued, 'Count');
  deps.gauge('StuckMailFailed', failed, 'Count');
  return { requeued, failed };
}
