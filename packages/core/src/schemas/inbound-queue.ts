import { z } from 'zod';
import { UlidSchema } from './common';

/**
 * A retry order on the inbound queue, beside SES's notifications: process this record again. Put there by
 * the inbound `retry-failed` schedule and by `POST /v1/inbound/{id}/retry`, each after moving the record
 * from `failed` back to `received` (conditional): `process` acts on an order only for mail in `received`,
 * so two orders for one mail do the work once. `process` then parses it again from its raw MIME.
 */
export const InboundRetryMessageSchema = z.strictObject({
  type: z.literal('mailroom.inbound.retry'),
  id: UlidSchema,
});
export type InboundRetryMessage = z.infer<typeof InboundRetryMessageSchema>;
