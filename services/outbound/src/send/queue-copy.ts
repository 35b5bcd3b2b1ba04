import type { SendQueueMessage } from '@mailroom/core';

/**
 * The queue body without the fields Mailroom puts on a copy that waited on the queue (`shareSlotAt` from
 * rate/tenant-share.ts, `attemptsUsed` from there and send/budget-wait.ts), and the record's receive
 * count with the attempts its earlier copies used (so the retry policy and the DLQ bound see every
 * attempt).
 */
export function unwrapCopyFields<R extends { receiveCount: number }>(
  queued: SendQueueMessage,
  record: R,
): { message: SendQueueMessage; record: R } {
  const { shareSlotAt: _slot, attemptsUsed = 0, ...message } = queued;
  return {
    message,
    record: attemptsUsed > 0 ? { ...record, receiveCount: record.receiveCount + attemptsUsed } : record,
  };
}
