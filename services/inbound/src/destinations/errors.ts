import { MailroomError } from '@mailroom/core';

/**
 * The route's signing secret is not in Parameter Store (or is empty). Not retried at once: the operator
 * stores it, then a retry of the mail (the retry schedule or `POST /v1/inbound/{id}/retry`) delivers it.
 */
export class WebhookSecretMissingError extends MailroomError {
  readonly code = 'WEBHOOK.SECRET_MISSING';
  readonly retryable = false;
  readonly httpStatus = 500;
}

/** SQS refused the message for good: the queue does not exist, or Mailroom may not send to it. */
export class DestinationQueueRejectedError extends MailroomError {
  readonly code = 'QUEUE.REJECTED';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/** SQS could not take the message now (throttled, unavailable, unreachable): try again later. */
export class DestinationQueueUnavailableError extends MailroomError {
  readonly code = 'QUEUE.UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 502;
}

/** Even cut down, the queue body would not fit in one SQS message. */
export class QueueBodyTooLargeError extends MailroomError {
  readonly code = 'QUEUE.BODY_TOO_LARGE';
  readonly retryable = false;
  readonly httpStatus = 500;
}

/** Parameter Store could not be read now (throttled, unavailable): try again later. */
export class SecretUnavailableError extends MailroomError {
  readonly code = 'SECRET.UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 502;
}
