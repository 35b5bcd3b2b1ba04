import { createHash } from 'node:crypto';
import type { StatusChange } from './status-change';

/** The JSON body of a status webhook (docs/status-webhooks.md). */
export interface StatusWebhookBody {
  /** The delivery's id: the same on every retry of this change to this endpoint, so receivers can drop repeats. */
  id: string;
  type: 'message.status';
  messageId: string;
  tenantId: string;
  status: StatusChange['status'];
  previousStatus: StatusChange['previousStatus'];
  at: string;
  providerMessageId?: string;
}

/** `dlv_` + 32 hex characters of SHA-256 over the stream record id and the endpoint id. */
export const deliveryId = (eventId: string, endpointId: string): string =>
  `dlv_${createHash('sha256').update(`${eventId}:${endpointId}`).digest('hex').slice(0, 32)}`;

export const statusWebhookBody = (change: StatusChange, endpointId: string): StatusWebhookBody => ({
  id: deliveryId(change.eventId, endpointId),
  type: 'message.status',
  messageId: change.messageId,
  tenantId: change.tenantId,
  status: change.status,
  previousStatus: change.previousStatus,
  at: change.at,
  ...(change.providerMessageId === undefined ? {} : { providerMessageId: change.providerMessageId }),
});
