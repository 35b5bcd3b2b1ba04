import { MailroomError } from '@mailroom/core';

/**
 * A queue body that is neither an SES `Received` notification with an S3 action (raw, or inside an SNS
 * envelope) nor a retry order. The same bytes fail the same way: not retryable. The record goes back to
 * the queue and, after its receives, to the DLQ, where an operator can read it.
 */
export class InvalidNotificationError extends MailroomError {
  readonly code = 'INBOUND.BAD_NOTIFICATION';
  readonly retryable = false;
  readonly httpStatus = 400;
}

/** The raw MIME the notification names is not in the receipt bucket (deleted, or never written). */
export class RawMissingError extends MailroomError {
  readonly code = 'INBOUND.RAW_MISSING';
  readonly retryable = false;
  readonly httpStatus = 404;
}

/** `<CODE>: <message>` for a MailroomError, else a generic line that leaks no internals. */
export const reasonOf = (err: unknown): string => {
  if (err instanceof MailroomError) return `${err.code}: ${err.message}`.slice(0, 1000);
  return `INBOUND.PROCESSING_ERROR: ${err instanceof Error ? err.name : 'unknown error'}`;
};
