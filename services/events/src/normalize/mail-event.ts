import { ProviderSchema } from '@mailroom/core';
import { z } from 'zod';

/**
 * What a provider said happened to a mail, in one shape for SendGrid and SES (docs/events.md, "The event
 * shape"). The first eight are steps of delivery and may change the message's status (status.ts); the
 * rest are engagement and only join the timeline.
 */
export const MAIL_EVENT_TYPES = [
  'processed',
  'deferred',
  'delivered',
  'bounced',
  'dropped',
  'complained',
  'rejected',
  'failed',
  'opened',
  'clicked',
  'unsubscribed',
  'resubscribed',
] as const;
export const MailEventTypeSchema = z.enum(MAIL_EVENT_TYPES);
export type MailEventType = z.infer<typeof MailEventTypeSchema>;

/** The tag (SES) and custom arg (SendGrid) that carry Mailroom's message id (docs/contract.md). */
export const MESSAGE_ID_TAG = 'mailroom_message_id';

export const MailEventSchema = z.object({
  /** Unique per event and stable across redeliveries: SendGrid's sg_event_id, or derived for SES. */
  eventId: z.string().min(1),
  provider: ProviderSchema,
  type: MailEventTypeSchema,
  /** When the provider says it happened (ISO 8601). */
  at: z.iso.datetime(),
  /** Mailroom's message id, from the `mailroom_message_id` tag or custom arg, when the event carries it. */
  messageId: z.string().min(1).optional(),
  /** The provider's own id of the mail: SES's message id, SendGrid's X-Message-Id. */
  providerMessageId: z.string().min(1).optional(),
  /** Lower-cased; absent when the provider does not say which recipient (SES opens, clicks, sends). */
  recipient: z.string().min(1).optional(),
  bounce: z
    .object({
      /** `hard`: the address will not work (suppressed); `soft`: this attempt failed for a passing reason. */
      type: z.enum(['hard', 'soft']),
      /** The provider's finer class: SES's bounce subtype, SendGrid's bounce_classification. */
      classification: z.string().optional(),
    })
    .optional(),
  /** The link of a click. */
  url: z.string().optional(),
  /** Why: a bounce's or deferral's SMTP answer, a drop's or reject's reason. */
  reason: z.string().optional(),
  /** Set when an unsubscribe concerns one list only (SendGrid's ASM group, an SES topic): not a global opt-out. */
  group: z.string().optional(),
  /** The provider's event as received (for SES, the whole record once per recipient). */
  raw: z.record(z.string(), z.unknown()),
});
export type MailEvent = z.infer<typeof MailEventSchema>;

/** What normalising one provider record gave: its events, or why it gave none. */
export type Normalized = { events: MailEvent[] } | { events: []; ignored: string };
