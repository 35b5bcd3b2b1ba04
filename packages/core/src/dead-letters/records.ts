import type { MessageStatus } from '../schemas/common';
import type { MessageRecord } from '../stores/messages/port';
import type { DlqName } from './port';

/**
 * Statuses that mean a provider has taken the mail: a redrive must not hand it to the send function
 * again. (`failed`, `dropped`, `rejected`, `suppressed` and the unsent ones go back: the send function
 * judges them anew, and its dedupe lock still stops a double send.)
 */
export const ALREADY_SENT: readonly MessageStatus[] = [
  'sent',
  'delivered',
  'deferred',
  'bounced',
  'complained',
];

/**
 * What a DLQ body says about itself: Mailroom's id and tenant for the send queue; for inbound, SES's id
 * (a receipt notification) or Mailroom's (a retry order).
 */
export interface DlqBodySummary {
  id: string | null;
  tenantId: string | null;
  /** For a body that is not what the queue carries. */
  unreadable?: string;
}

const parse = (body: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

export function summarizeDlqBody(queue: DlqName, body: string): DlqBodySummary {
  const value = parse(body);
  if (!value) return { id: null, tenantId: null, unreadable: 'not a JSON object' };
  if (queue === 'send') {
    return typeof value.id === 'string'
      ? { id: value.id, tenantId: typeof value.tenantId === 'string' ? value.tenantId : null }
      : { id: null, tenantId: null, unreadable: 'no message id' };
  }
  // The inbound queue carries SES's receipt notification itself (raw SNS delivery) or inside an SNS
  // envelope, and Mailroom's retry orders (InboundRetryMessage) by inbound id.
  const inner =
    value.Type === 'Notification' && typeof value.Message === 'string' ? parse(value.Message) : value;
  if (inner?.type === 'mailroom.inbound.retry' && typeof inner.id === 'string') {
    return { id: inner.id, tenantId: null };
  }
  const mail = inner?.mail as { messageId?: unknown } | undefined;
  return typeof mail?.messageId === 'string'
    ? { id: mail.messageId, tenantId: null }
    : { id: null, tenantId: null, unreadable: 'no SES mail.messageId' };
}

/** Why a send record is parked, as far as the messages table knows. */
export const dlqReasonOf = (record: MessageRecord | undefined): string =>
  record === undefined
    ? 'no message record'
    : `${record.status}${record.lastError ? `: ${record.lastError}` : ''}`;

/**
 * The send body as it goes back: without the fields Mailroom puts on a copy that waited on the queue
 * (`attemptsUsed`, `shareSlotAt`; services/outbound/src/send/queue-copy.ts), so the redriven mail starts
 * with a fresh attempt budget and no stale share slot. Other bodies go back byte for byte.
 */
export function redriveBody(queue: DlqName, body: string): string {
  if (queue !== 'send') return body;
  const value = parse(body);
  if (!value || !('attemptsUsed' in value || 'shareSlotAt' in value)) return body;
  const { attemptsUsed: _a, shareSlotAt: _s, ...rest } = value;
  return JSON.stringify(rest);
}
