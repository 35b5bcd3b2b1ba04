import { EmailSchema, listQuerySchema, MessageStatusSchema } from '@mailroom/core';
import { z } from 'zod';

/**
 * PENDING: schemas for two endpoints whose handlers are being built elsewhere (`GET /v1/messages` and
 * `POST /v1/messages/{id}/retry`), written from the contract so the document lists them already. When the
 * handlers land, point their catalogue entries at the schemas the handlers validate with, drop `pending`
 * from the entries and delete this file (the route test insists once the routes are in serverless.yml).
 */
const Instant = z.iso.datetime({ offset: true });

export const PendingListMessagesQuerySchema = listQuerySchema({
  status: MessageStatusSchema.optional(),
  /** A to, cc or bcc address, matched exactly. */
  recipient: EmailSchema.optional(),
  since: Instant.optional().meta({ description: 'Created at or after this time (ISO 8601 with a zone).' }),
  until: Instant.optional().meta({ description: 'Created at or before this time (ISO 8601 with a zone).' }),
});
