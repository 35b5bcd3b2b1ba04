import { z } from 'zod';
import { UlidSchema } from './common';

/**
 * A request to process received mail again, put on the inbound queue beside SES's notifications: by
 * `POST /v1/inbound/{id}/retry` (docs/api-lists.md, "Inbound"). The `process` function tells it from an
 * SES notification by `kind`, loads the record by `id` and processes it again from its raw object.
 */
export const InboundRetryMessageSchema = z.strictObject({
  kind: z.literal('retry'),
  id: UlidSchema,
});
export type InboundRetryMessage = z.infer<typeof InboundRetryMessageSchema>;
