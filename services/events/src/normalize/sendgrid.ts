import { z } from 'zod';
import {
  MESSAGE_ID_TAG,
  MailEventSchema,
  type MailEvent,
  type MailEventType,
  type Normalized,
} from './mail-event';

/**
 * SendGrid's Event Webhook event names (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event)
 * and what they are here. `spamreport` is a complaint; both unsubscribe kinds are unsubscribes (a group one
 * keeps its group, so it does not opt the address out of everything).
 */
const TYPES: Record<string, MailEventType> = {
  processed: 'processed',
  deferred: 'deferred',
  delivered: 'delivered',
  open: 'opened',
  click: 'clicked',
  bounce: 'bounced',
  dropped: 'dropped',
  spamreport: 'complained',
  unsubscribe: 'unsubscribed',
  group_unsubscribe: 'unsubscribed',
  group_resubscribe: 'resubscribed',
};

const SendGridEventSchema = z.looseObject({
  event: z.string(),
  email: z.string().optional(),
  // Unix seconds; bounded so that a garbage value is ignored rather than a RangeError from Date.
  timestamp: z.number().int().min(0).max(253_402_300_799),
  sg_event_id: z.string().min(1),
  sg_message_id: z.string().optional(),
  [MESSAGE_ID_TAG]: z.string().optional(),
  url: z.string().optional(),
  reason: z.string().optional(),
  response: z.string().optional(),
  /** `bounce` (hard) or `blocked` (soft) on bounce events. */
  type: z.string().optional(),
  bounce_classification: z.string().optional(),
  asm_group_id: z.union([z.number(), z.string()]).optional(),
});

/**
 * sg_message_id is the X-Message-Id that `mail/send` answered, followed by `.` and a suffix naming the
 * SendGrid server; what outbound recorded is the part before the first `.`.
 */
export const sendGridProviderMessageId = (sgMessageId: string): string => sgMessageId.split('.', 1)[0]!;

/** One SendGrid webhook event as a MailEvent; unknown event names and malformed events are ignored. */
export function normalizeSendGrid(raw: unknown): Normalized {
  const parsed = SendGridEventSchema.safeParse(raw);
  if (!parsed.success) return { events: [], ignored: 'not a SendGrid event' };
  const e = parsed.data;
  const type = TYPES[e.event];
  if (type === undefined) return { events: [], ignored: `unknown SendGrid event ${e.event}` };
  const reason = e.reason ?? e.response;
  const event: MailEvent = {
    eventId: e.sg_event_id,
    provider: 'sendgrid',
    type,
    at: new Date(e.timestamp * 1000).toISOString(),
    ...(e[MESSAGE_ID_TAG] && { messageId: e[MESSAGE_ID_TAG] }),
    ...(e.sg_message_id && { providerMessageId: sendGridProviderMessageId(e.sg_message_id) }),
    ...(e.email && { recipient: e.email.toLowerCase() }),
    ...(type === 'bounced' && {
      bounce: {
        type: e.type === 'blocked' ? 'soft' : 'hard',
        ...(e.bounce_classification && { classification: e.bounce_classification }),
      },
    }),
    ...(type === 'clicked' && e.url !== undefined && { url: e.url }),
    ...(reason !== undefined && { reason }),
    ...(e.asm_group_id !== undefined &&
      (type === 'unsubscribed' || type === 'resubscribed') && { group: String(e.asm_group_id) }),
    raw: e,
  };
  const checked = MailEventSchema.safeParse(event);
  return checked.success ? { events: [checked.data] } : { events: [], ignored: 'invalid SendGrid event' };
}
