import type { Logger } from '@aws-lambda-powertools/logger';
import type { InboundStore } from '@mailroom/core';
import { PROCESS_LEASE_MS } from './lease';

export interface RetryDeps {
  inbound: InboundStore;
  /** Puts a retry order for the mail on the inbound queue (core's InboundRetryMessageSchema). */
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
  /** `received` mail nobody was processing (a worker stopped midway), put back on the queue. */
  unstuck: number;
  /** Stuck mail whose attempts were spent, recorded `failed` instead of put back once more. */
  abandoned: number;
}

/**
 * The retry schedule (docs/inbound.md): every failed mail received within the window with attempts left
 * goes back to `received` and a retry order for it onto the inbound queue; then stuck mail is swept. `process` then parses it again
 * from its raw MIME (kept under `failed/`), so a parser fix recovers it, and delivers it again.
 */
export async function retryFailed(deps: RetryDeps): Promise<RetryReport> {
  const { inbound, settings, logger } = deps;
  const since = new Date(deps.now().getTime() - settings.windowDays * 86_400_000).toISOString();
  const report: RetryReport = { requeued: 0, exhausted: 0, unstuck: 0, abandoned: 0 };
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
  await sweepStuck(deps, report);
  logger.info('inbound retry run', { ...report });
  return report;
}

/**
 * The stuck sweep: `received` mail whose worker stopped (its claim's lease ended, or it was recorded and
 * never claimed) is freed and a retry order for it put on the queue; the order's claim takes it up.
 * Mail that has used its attempts (say, one that stops every worker) ends `failed` instead, so it is not
 * put back forever. A free that finds the mail no longer stuck skips it (another sweep, or a worker, has
 * it). Should SQS refuse the order, the mail stays free and received, and a later sweep finds it again.
 */
async function sweepStuck(deps: RetryDeps, report: RetryReport): Promise<void> {
  const { inbound, settings, logger } = deps;
  let after: string | undefined;
  do {
    const page = await inbound.stuck(PROCESS_LEASE_MS, { limit: 100, ...(after !== undefined && { after }) });
    for (const record of page.items) {
      if (report.requeued + report.unstuck >= settings.maxPerRun) return;
      // Still stuck (conditional): a worker or another sweep that took it meanwhile keeps it.
      if (!(await inbound.free(record.id, PROCESS_LEASE_MS))) continue;
      if (record.attempts >= settings.maxAttempts) {
        const reason = `INBOUND.ABANDONED: processing stopped ${record.attempts} times without finishing`;
        if (await inbound.update(record.id, { status: 'failed', reason }, ['received'])) {
          logger.warn('inbound mail abandoned', { id: record.id, attempts: record.attempts });
          report.abandoned++;
        }
        continue;
      }
      await deps.requeue(record.id);
      logger.info('inbound mail stuck, re-queued', { id: record.id, attempts: record.attempts });
      report.unstuck++;
    }
    after = page.last;
  } while (after !== undefined);
}
