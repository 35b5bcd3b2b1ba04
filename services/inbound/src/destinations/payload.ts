import type { InboundDsn, Verdicts } from '@mailroom/core';
import { z } from 'zod';
import type { DeliveredAttachment, InboundDelivery } from './port';

/**
 * What webhook and queue destinations receive (docs/inbound-destinations.md): the parsed mail with
 * short-lived attachment URLs, never the attachments themselves.
 */
export interface DeliveryPayload {
  /** Mailroom's id of the received mail (`GET /v1/inbound/{id}`); the same on every retry. */
  id: string;
  tenantId: string | null;
  receivedAt: string;
  /** The route pattern that matched. */
  route: string | null;
  /** The envelope recipients (Bcc'd ones included), lower-cased. */
  recipients: string[];
  from: string | null;
  to: string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  headers: Array<{ name: string; value: string }>;
  attachments: DeliveredAttachment[];
  verdicts: Verdicts;
  linkedMessageId: string | null;
  dsn: InboundDsn | null;
}

/** The parts of the stored parsed message a payload takes; anything else in it is ignored. */
const ParsedPartsSchema = z.object({
  text: z.string().nullable().catch(null),
  html: z.string().nullable().catch(null),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).catch([]),
});

export function deliveryPayload({ record, message, attachments }: InboundDelivery): DeliveryPayload {
  const parsed = ParsedPartsSchema.safeParse(message ?? {});
  const parts = parsed.success ? parsed.data : { text: null, html: null, headers: [] };
  return {
    id: record.id,
    tenantId: record.tenantId,
    receivedAt: record.receivedAt,
    route: record.route,
    recipients: record.recipients,
    from: record.from,
    to: record.to,
    subject: record.subject,
    text: parts.text,
    html: parts.html,
    headers: parts.headers,
    attachments,
    verdicts: record.verdicts,
    linkedMessageId: record.linkedMessageId,
    dsn: record.dsn,
  };
}
