import { createHash } from 'node:crypto';
import { ConfigError, MailroomError } from '../errors';
import type { MessageStore } from '../stores/messages/port';
import type { DeadLetterQueue, DlqName } from './port';
import { ALREADY_SENT, redriveBody, summarizeDlqBody } from './records';

/** Long enough to read a batch and act on it; a record left behind (a crash) shows again after it. */
export const REDRIVE_HIDE_SECONDS = 60;

export interface RedriveCounts {
  moved: number;
  skipped: number;
  failed: number;
  /** The DLQ's waiting records when the run began (approximate on AWS). */
  depthBefore: number;
}

/** A record left in the DLQ: one that cannot be read, or the one an error stopped the run on. */
export interface RedriveFailure {
  /** Mailroom's id (SES's for inbound), or SQS's when the body names none. */
  id: string;
  /** What the body lacks, or the error's code or name (never its message, which may name resources). */
  reason: string;
}

export interface RedriveOptions {
  /** The messages table, required for `send`: mail it has as sent is skipped, never sent again. */
  messages?: Pick<MessageStore, 'get'>;
  /** Handle at most this many records (moved, skipped or failed); default: until the DLQ is empty. */
  max?: number;
  /** Called after each batch with the counts so far (the CLI's progress line). */
  onBatch?: (counts: RedriveCounts) => void;
  /** Asked before each batch: true ends the run there (the api's time budget). */
  shouldStop?: () => boolean;
}

export interface RedriveResult extends RedriveCounts {
  queue: DlqName;
  movedIds: string[];
  skippedIds: string[];
  failures: RedriveFailure[];
  /** Records moved in this run that were parked again while it ran: left in the DLQ. */
  returned: number;
  /** The DLQ answered empty (bar the records left in it): nothing more to redrive for now. */
  drained: boolean;
  /** What stopped the run early; every record not moved or skipped is still in the DLQ. */
  error?: unknown;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const errorReason = (err: unknown): string =>
  err instanceof MailroomError ? err.code : err instanceof Error ? err.name : 'Error';

/**
 * Moves a DLQ's records back to their queue, the same rules for the CLI and the ops endpoint:
 *
 * - send: a mail the messages table has as sent (ALREADY_SENT) is not queued again but deleted from the
 *   DLQ and counted as skipped; the queue-copy fields are stripped from what goes back (redriveBody).
 * - A body that is not what the queue carries stays in the DLQ, counted as failed, for a person to read:
 *   the send function would consume it without a trace.
 * - A record is deleted from the DLQ only after it is on its queue: a crash in between leaves a
 *   duplicate, which the send dedupe lock or the inbound id check absorbs, never a loss.
 * - The first error (a table read, SendMessage, DeleteMessage, a receive) stops the run: the record it was
 *   on counts as failed and, with every record not reached, stays in the DLQ. The error is returned, not
 *   thrown, so that what was already moved is reported.
 */
export async function redriveDeadLetters(
  queue: DlqName,
  dlq: DeadLetterQueue,
  options: RedriveOptions = {},
): Promise<RedriveResult> {
  const { messages, max = Infinity, onBatch, shouldStop } = options;
  if (queue === 'send' && !messages) throw new ConfigError('a send redrive needs the messages table');
  const { visible } = await dlq.depth();
  const result: RedriveResult = {
    queue,
    depthBefore: visible,
    moved: 0,
    skipped: 0,
    failed: 0,
    movedIds: [],
    skippedIds: [],
    failures: [],
    returned: 0,
    drained: false,
  };
  const fail = (id: string, reason: string) => {
    result.failed++;
    result.failures.push({ id, reason });
  };
  // Bodies moved in this run: one that shows up again was parked anew while we ran; leave it.
  const movedBodies = new Set<string>();
  // Unreadable records stay hidden until the run ends, so that one batch after another reads past them.
  const unreadable: string[] = [];
  const handled = () => result.moved + result.skipped + result.failed;
  try {
    while (handled() < max && result.returned === 0 && result.error === undefined && !shouldStop?.()) {
      let batch;
      try {
        batch = await dlq.receive(Math.min(10, max - handled()), REDRIVE_HIDE_SECONDS);
      } catch (err) {
        result.error = err;
        break;
      }
      if (batch.length === 0) {
        result.drained = true;
        break;
      }
      const left = [...batch];
      try {
        for (; left.length; left.shift()) {
          const record = left[0]!;
          const hash = sha256(record.body);
          if (movedBodies.has(hash)) {
            result.returned++;
            break;
          }
          const summary = summarizeDlqBody(queue, record.body);
          if (summary.unreadable !== undefined) {
            unreadable.push(record.receiptHandle);
            fail(record.sqsMessageId, summary.unreadable);
            continue;
          }
          const id = summary.id!;
          try {
            const current = messages ? await messages.get(id) : undefined;
            const skip = current !== undefined && ALREADY_SENT.includes(current.status);
            if (!skip) {
              const back = redriveBody(queue, record.body);
              await dlq.sendToSource(back);
              movedBodies.add(hash).add(sha256(back));
            }
            await dlq.remove(record.receiptHandle);
            result[skip ? 'skipped' : 'moved']++;
            result[skip ? 'skippedIds' : 'movedIds'].push(id);
          } catch (err) {
            fail(id, errorReason(err));
            result.error = err;
            break;
          }
        }
      } finally {
        // What this batch did not get to (an error, records back from the queue) shows again at once; if
        // that fails too, it shows again when its hide time is over.
        await dlq.reveal(left.map((r) => r.receiptHandle)).catch(() => undefined);
      }
      if (result.error === undefined) onBatch?.(result);
    }
  } finally {
    await dlq.reveal(unreadable).catch(() => undefined);
  }
  return result;
}
