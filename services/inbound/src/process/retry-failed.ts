import type { Logger } from '@aws-lambda-powertools/logger';
import type { InboundStore } from '@mailroom/core';

export interface RetryDeps {
  inbound: InboundStore;
  /** Puts a retry order for the mail on the inbound queue (notification.ts, RetryOrderSchema). */
  requeue(id: string): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  now(): Date;
  settings: {
    /** Processing attempts a mail gets in all, the first included. */
    maxAttempts: number;
    /** Only mail received this recently is retried. */
    windowDays: number;
    /** At most this many mails are re-queued per run; the next run takes the rest. */
    maxPerRun: number;
  };
}

export interface RetryReport {
  requeued: number;
  exhausted: number;
}

/**
 * The retry schedule (docs/inbound.md): every failed mail received within the window with attempts left
 * goes back to `received` and a retry order for it onto the inbound queue. `process` then parses it again
 * from its raw MIME (kept under `failed/`), so a parser fix recovers it, and delivers it again.
 */
export async function retryFailed(deps: RetryDeps): Promise<RetryReport> {
  const { inbound, settings, logger } = deps;
  const since = new Date(deps.now().getTime() - settings.windowDays * 86_400_000).toISOString();
  const report: RetryReport = { requeued: 0, exhausted: 0 };
  let after: string | undefined;
  do {
    const page = await inbound.failedSince(since, { limit: 100, ...(after !== undefined && { after }) });
    for (const record of page.items) {
      if (report.requeued >= settings.maxPerRun) break;
      if (record.attempts >= settings.maxAttempts) {
        report.exhausted++;
        continue;
      }
      // Back to `received` first: a retry order finds it there, and a second run does not pick it again.
      if (!(await inbound.update(record.id, { status: 'received' }, ['failed']))) continue;
      try {
        await deps.requeue(record.id);
      } catch (err) {
        // Failed it stays, for the next run.
        await inbound.update(record.id, { status: 'failed' }, ['received']);
        throw err;
      }
      report.requeued++;
    }
    after = page.last;
  } while (after !== undefined && report.requeued < settings.maxPerRun);
  logger.info('inbound retry run', { ...report });
  return report;
}
