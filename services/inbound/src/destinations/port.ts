import type { InboundRecord, RouteDestination } from '@mailroom/core';

/** One attachment as a destination sees it: metadata and a short-lived download URL. */
export interface DeliveredAttachment {
  filename: string;
  contentType: string;
  size: number;
  url: string;
}

/** What a destination receives once a mail is parsed and stored. */
export interface InboundDelivery {
  record: InboundRecord;
  /** The parsed message as stored in `parsed/<id>/message.json`. */
  message: unknown;
  attachments: DeliveredAttachment[];
}

/**
 * Hands a processed mail to where its route sends it. Resolves when the destination has it. Throws a
 * non-retryable MailroomError (e.g. WebhookRejectedError: a 4xx) when trying again cannot help, and a
 * retryable one otherwise (receiver down, queue throttled); the caller records `failed` with the reason
 * and lets the retry schedule try again within the attempt budget.
 */
export interface Destination {
  deliver(delivery: InboundDelivery): Promise<void>;
}

/** Builds the destination of a route (store, webhook or queue). */
export type DestinationFactory = (destination: RouteDestination) => Destination;
