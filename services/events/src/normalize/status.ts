import type { MessageStatus } from '@mailroom/core';
import type { MailEventType } from './mail-event';

/** The status a delivery step moves a message to; engagement events (opens, clicks, unsubscribes) move none. */
const STATUS_OF: Partial<Record<MailEventType, MessageStatus>> = {
  processed: 'sent',
  deferred: 'deferred',
  delivered: 'delivered',
  bounced: 'bounced',
  dropped: 'dropped',
  complained: 'complained',
  rejected: 'rejected',
  failed: 'failed',
};

export const statusOfEvent = (type: MailEventType): MessageStatus | undefined => STATUS_OF[type];

/**
 * How far along a message is (docs/events.md, "Status precedence"). Provider events arrive late and out
 * of order, so a status only ever moves to a higher rank: a late `processed` (sent) or `deferred` never
 * undoes `delivered`, while a bounce or complaint, which can only follow delivery, wins over it. The
 * provider's refusals (dropped, rejected, failed) and outbound's own `suppressed` rank together, below
 * `delivered`: a delivery heard of afterwards is the better news of where the mail went.
 */
export const STATUS_RANK: Readonly<Record<MessageStatus, number>> = {
  queued: 0,
  sending: 1,
  sent: 2,
  deferred: 3,
  dropped: 4,
  rejected: 4,
  failed: 4,
  suppressed: 4,
  delivered: 5,
  bounced: 6,
  complained: 7,
};

/** Whether a message now in `current` moves to `incoming`: only to a strictly higher rank. */
export const supersedes = (incoming: MessageStatus, current: MessageStatus): boolean =>
  STATUS_RANK[incoming] > STATUS_RANK[current];

/** The statuses `incoming` may replace: the write's condition, so two trackers racing cannot step back. */
export const replaceableBy = (incoming: MessageStatus): MessageStatus[] =>
  (Object.keys(STATUS_RANK) as MessageStatus[]).filter((current) => supersedes(incoming, current));
