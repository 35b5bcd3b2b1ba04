import type { SendQueueMessage } from '../../schemas';

/**
 * The full request of every mail Mailroom accepted — body, cc/bcc, attachments, headers — exactly as it
 * went onto the send queue, so that a retry or a DLQ redrive re-sends what was asked. Kept per tenant
 * (`<tenantId>/<messageId>.json`), encrypted at rest, for the retention the bucket's lifecycle rule sets
 * (README "Configuration": `requestRetentionDays`). The messages table keeps no body.
 * Implementations: S3RequestStore (`@mailroom/core/aws`), InMemoryRequestStore (`@mailroom/core/testing`).
 */
export interface RequestStore {
  /** Stores (or overwrites with the same content) the request of `message.id`. */
  put(message: SendQueueMessage): Promise<void>;
  /** The stored request, or undefined when there is none (never stored, or expired). */
  get(tenantId: string, id: string): Promise<SendQueueMessage | undefined>;
}

/** Object key of a stored request: one prefix per tenant. */
export const requestKey = (tenantId: string, id: string): string => `${tenantId}/${id}.json`;
