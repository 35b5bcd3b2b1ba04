import type { Logger } from '@aws-lambda-powertools/logger';
import { UNSENT_STATUSES, type MessageStore } from '@mailroom/core';
import type { PeekedRecord } from './adapters/dead-letter-queue';
import { newMessageOf } from './send/claim';
import { parseRecord } from './send/parse';
import { describe } from './send/tenant-error';

export interface DeadLetterDeps {
  dlq: {
    peek(hideSeconds: number): Promise<PeekedRecord[]>;
    reveal(receiptHandles: readonly string[]): Promise<void>;
  };
  messages: MessageStore;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  count(metric: string, value?: number): void;
  now?: () => number;
}

/** Records a run reads at most (100 receives); the next run, 5 minutes later, reads the rest. */
const MAX_RECORDS = 1_000;
/** Longer than a run can take (the function's timeout is 60 s), so no record is read twice in a run. */
const HIDE_SECONDS = 120;
const CODE = 'SEND.DEAD_LETTERED';

/**
 * The send DLQ's records, made visible on their messages: every message whose record sits in the DLQ and
 * that is still `queued` or `sending` — parked by an unexpected error, a crash or a timeout on its last
 * receive — is marked `failed` with `SEND.DEAD_LETTERED`. A message the send function already failed
 * (say `PROVIDER.ACCOUNT`) keeps its own, more precise code. Records stay in the DLQ for a redrive, which
 * sends them as usual (the lock is free, the status moves on from `failed`). Runs on a schedule rather
 * than as the DLQ's event source: an event source would have to fail every record to leave it in the
 * queue, and would then receive it again and again.
 */
export async function markDeadLetters(deps: DeadLetterDeps): Promise<{ read: number; marked: number }> {
  const seen: string[] = [];
  let marked = 0;
  try {
    for (
      let batch = await deps.dlq.peek(HIDE_SECONDS);
      batch.length > 0;
      batch = await deps.dlq.peek(HIDE_SECONDS)
    ) {
      for (const record of batch) {
        seen.push(record.receiptHandle);
        if (await markOne(record, deps)) marked += 1;
      }
      if (seen.length >= MAX_RECORDS) break;
    }
  } finally {
    await deps.dlq.reveal(seen);
  }
  if (marked) deps.count('DeadLetteredMessages', marked);
  deps.logger.info('read the send DLQ', { read: seen.length, marked });
  return { read: seen.length, marked };
}

async function markOne(record: PeekedRecord, deps: DeadLetterDeps): Promise<boolean> {
  const parsed = parseRecord(record.body);
  if (!parsed.ok) return false; // rejected when it was received; nothing to send
  const { message } = parsed;
  try {
    const existing = await deps.messages.get(message.id);
    if (existing && !(UNSENT_STATUSES as readonly string[]).includes(existing.status)) return false;
    // A record put straight on the queue may have died before its message was recorded.
    if (!existing)
      await deps.messages.ensure(newMessageOf(message, message.provider, new Date((deps.now ?? Date.now)())));
    return await deps.messages.transition(message.id, message.tenantId, {
      status: 'failed',
      lastError: `${CODE}: ${describe(CODE)}`,
      onlyFrom: UNSENT_STATUSES,
      event: { type: 'failed', provider: null, data: { code: CODE, error: describe(CODE), retryable: true } },
    });
  } catch (err) {
    deps.logger.error('could not mark a dead-lettered message', { messageId: message.id, err });
    return false;
  }
}
