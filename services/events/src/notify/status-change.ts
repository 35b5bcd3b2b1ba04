import { MessageStatusSchema, type MessageStatus } from '@mailroom/core';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/** A message's status moved: what the messages table's stream tells the notify function. */
export interface StatusChange {
  /** The stream record's id: unique per change, the same when Lambda hands the record over again. */
  eventId: string;
  messageId: string;
  tenantId: string;
  status: MessageStatus;
  previousStatus: MessageStatus;
  /** When the change was written (the message's `updatedAt`). */
  at: string;
  providerMessageId?: string;
}

const text = (image: Record<string, AttributeValue> | undefined, name: string): string | undefined =>
  image?.[name]?.S;

const status = (image: Record<string, AttributeValue> | undefined): MessageStatus | undefined => {
  const parsed = MessageStatusSchema.safeParse(text(image, 'status'));
  return parsed.success ? parsed.data : undefined;
};

/**
 * The status change a stream record carries, or null. The messages table holds more than messages
 * (recipients `RCPT#`, timeline `EVT#`, dedupe locks, idempotency keys, suppression, counters…): only
 * the message item itself (`pk = MSG#<id>`, `sk = MSG`) counts, and only a MODIFY whose `status`
 * differs between the old and the new image (attempt counts, sweeps and requeues change other fields).
 */
export function statusChangeOf(record: DynamoDBRecord): StatusChange | null {
  if (record.eventName !== 'MODIFY' || !record.eventID) return null;
  const { OldImage: before, NewImage: after } = record.dynamodb ?? {};
  const pk = text(after, 'pk');
  if (!pk?.startsWith('MSG#') || text(after, 'sk') !== 'MSG') return null;
  const now = status(after);
  const previous = status(before);
  if (!now || !previous || now === previous) return null;
  const messageId = text(after, 'id') ?? pk.slice('MSG#'.length);
  const tenantId = text(after, 'tenantId');
  if (!tenantId) return null;
  const providerMessageId = text(after, 'providerMessageId');
  return {
    eventId: record.eventID,
    messageId,
    tenantId,
    status: now,
    previousStatus: previous,
    at:
      text(after, 'updatedAt') ??
      new Date((record.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000).toISOString(),
    ...(providerMessageId ? { providerMessageId } : {}),
  };
}
