import {
  dlqReasonOf,
  REDRIVE_HIDE_SECONDS,
  redriveDeadLetters,
  summarizeDlqBody,
  type DlqRecord,
  type RedriveCounts,
} from '@mailroom/core';
import { numberOption, type Group } from '../command';
import type { Context, QueueName } from '../context';
import { UsageError } from '../errors';
import { fields, table } from '../io';

const queueArg = (value: string | undefined, command: string): QueueName => {
  if (value !== 'send' && value !== 'inbound') {
    throw new UsageError(`the queue is send or inbound, not "${value}"`, command);
  }
  return value;
};

interface Listed {
  sqsMessageId: string;
  id: string | null;
  tenantId: string | null;
  receiveCount: number | null;
  reason: string;
}

async function reasons(ctx: Context, queue: QueueName, records: readonly DlqRecord[]): Promise<Listed[]> {
  const messages = queue === 'send' ? await ctx.messages() : undefined;
  const out: Listed[] = [];
  for (const r of records) {
    const s = summarizeDlqBody(queue, r.body);
    let reason = s.unreadable ?? 'dead-lettered after its receives';
    if (messages && s.id) reason = dlqReasonOf(await messages.get(s.id));
    out.push({
      sqsMessageId: r.sqsMessageId,
      id: s.id,
      tenantId: s.tenantId,
      receiveCount: r.receiveCount ?? null,
      reason,
    });
  }
  return out;
}

export const dlqCommands: Group = {
  name: 'dlq',
  summary: 'dead-letter queues of the send and inbound queues: list, redrive',
  commands: {
    list: {
      args: ['<send|inbound>'],
      summary: "show the DLQ's depth and its first records' ids and reasons (nothing is consumed)",
      options: {
        limit: { type: 'string', value: '<N>', help: 'how many records to show, 1–100 (default 10)' },
      },
      async run({ args, options }, ctx) {
        const queue = queueArg(args['send|inbound'], 'dlq list');
        const limit =
          numberOption(
            options.limit,
            'limit',
            (n) => Number.isInteger(n) && n >= 1 && n <= 100,
            'a whole number from 1 to 100',
          ) ?? 10;
        const q = await ctx.queues(queue);
        const depth = await q.depth();
        const seen: DlqRecord[] = [];
        try {
          while (seen.length < limit) {
            const batch = await q.receive(Math.min(10, limit - seen.length), REDRIVE_HIDE_SECONDS);
            if (batch.length === 0) break;
            seen.push(...batch);
          }
        } finally {
          // Read, not consumed: every record is visible again for a redrive and the depth alarm.
          await q.reveal(seen.map((r) => r.receiptHandle));
        }
        const items = await reasons(ctx, queue, seen);
        return {
          json: { queue, dlqUrl: q.dlqUrl, depth, items },
          text: [
            fields({
              queue: `${queue} (${q.dlqUrl})`,
              depth: `${depth.visible} waiting, ${depth.inFlight} in flight`,
            }),
            ...(items.length
              ? [
                  table(
                    ['SQS ID', 'ID', 'TENANT', 'RECEIVES', 'REASON'],
                    items.map((i) => [i.sqsMessageId, i.id, i.tenantId, i.receiveCount, i.reason]),
                  ),
                ]
              : []),
          ].join('\n'),
        };
      },
    },
    redrive: {
      args: ['<send|inbound>'],
      summary: "move the DLQ's records back to their queue, with a progress line on stderr",
      notes: [
        'send: a mail the messages table has as sent (sent, delivered, deferred, bounced, complained) is',
        'not queued again but deleted from the DLQ and counted as skipped; the queue-copy fields',
        'attemptsUsed and shareSlotAt are stripped from the bodies that go back.',
        'A record is deleted from the DLQ only after it is on the queue (a crash in between leaves a',
        'duplicate, which the send dedupe lock or inbound id check absorbs, never a loss).',
      ],
      async run({ args }, ctx) {
        const queue = queueArg(args['send|inbound'], 'dlq redrive');
        const q = await ctx.queues(queue);
        const messages = queue === 'send' ? await ctx.messages() : undefined;
        const progress = ({ moved, skipped, depthBefore }: RedriveCounts) =>
          ctx.io.err(`redrive ${queue}: ${moved} moved, ${skipped} skipped (of ~${depthBefore})`);
        // The rules (skip mail already sent, delete only what is on its queue) are core's, shared with
        // the api's POST /v1/ops/dlq/{queue}/redrive.
        const run = await redriveDeadLetters(queue, q, { ...(messages && { messages }), onBatch: progress });
        if (run.error !== undefined) throw run.error;
        const { movedIds: moved, skippedIds: skipped, returned } = run;
        if (moved.length + skipped.length === 0) progress(run);
        return {
          json: {
            queue,
            moved: moved.length,
            skipped: skipped.length,
            movedIds: moved,
            skippedIds: skipped,
            ...(returned && { returned }),
          },
          text: `redrove ${queue}: ${moved.length} moved back to ${q.sourceUrl}, ${skipped.length} skipped (already sent)${returned ? `; ${returned} came back to the DLQ during the run and were left there` : ''}`,
        };
      },
    },
  },
};
