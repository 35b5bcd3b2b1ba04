import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  MESSAGE_ID_TAG,
  MailEventSchema,
  type MailEvent,
  type MailEventType,
  type Normalized,
} from './mail-event';

/**
 * SES event-publishing records carry `eventType`
 * (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html); identity
 * notifications carry `notificationType`
 * (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html). Both name the same events.
 */
const TYPES: Record<string, MailEventType> = {
  Send: 'processed',
  Delivery: 'delivered',
  DeliveryDelay: 'deferred',
  Bounce: 'bounced',
  Complaint: 'complained',
  Reject: 'rejected',
  'Rendering Failure': 'failed',
  Open: 'opened',
  Click: 'clicked',
};

const Recipient = z.looseObject({
  emailAddress: z.string(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});
const Detail = z.looseObject({ timestamp: z.string().optional() });

const SesRecordSchema = z.looseObject({
  eventType: z.string().optional(),
  notificationType: z.string().optional(),
  mail: z.looseObject({
    messageId: z.string().min(1),
    timestamp: z.string(),
    destination: z.array(z.string()).optional(),
    tags: z.record(z.string(), z.array(z.string())).optional(),
  }),
  bounce: Detail.extend({
    bounceType: z.string(),
    bounceSubType: z.string().optional(),
    bouncedRecipients: z.array(Recipient),
  }).optional(),
  complaint: Detail.extend({ complainedRecipients: z.array(Recipient) }).optional(),
  delivery: Detail.extend({
    recipients: z.array(z.string()),
    smtpResponse: z.string().optional(),
  }).optional(),
  deliveryDelay: Detail.extend({
    delayedRecipients: z.array(Recipient),
    delayType: z.string().optional(),
  }).optional(),
  reject: z.looseObject({ reason: z.string().optional() }).optional(),
  failure: z.looseObject({ errorMessage: z.string().optional() }).optional(),
  open: Detail.optional(),
  click: Detail.extend({ link: z.string().optional() }).optional(),
  subscription: Detail.extend({
    contactList: z.string().optional(),
    newTopicPreferences: z
      .looseObject({
        unsubscribeAll: z.boolean().optional(),
        topicSubscriptionStatus: z
          .array(z.looseObject({ topicName: z.string(), subscriptionStatus: z.string() }))
          .optional(),
      })
      .optional(),
  }).optional(),
});
type SesRecord = z.infer<typeof SesRecordSchema>;

/** Per recipient: who, and what this recipient's part of the record adds. */
type Part = Pick<MailEvent, 'recipient' | 'reason' | 'bounce' | 'url' | 'group'> & { type?: MailEventType };

/**
 * SES gives its events no id. Ours hashes what makes one event unique and stays the same when the record
 * is delivered again: the mail's SES id, the event type, its timestamp and the recipient.
 */
export const sesEventId = (messageId: string, eventType: string, at: string, recipient = ''): string =>
  createHash('sha256').update(`${messageId}\n${eventType}\n${at}\n${recipient}`).digest('base64url');

/**
 * One SES record (event publishing, identity notification, or either inside an SNS envelope) as
 * MailEvents, one per recipient the record names. Opens, clicks and sends name none: SES does not say.
 */
export function normalizeSes(input: unknown): Normalized {
  const parsed = SesRecordSchema.safeParse(unwrapSns(input));
  if (!parsed.success) return { events: [], ignored: 'not an SES event' };
  const record = parsed.data;
  const sesType = record.eventType ?? record.notificationType;
  if (sesType === undefined) return { events: [], ignored: 'SES record without an event type' };
  const parts = sesType === 'Subscription' ? subscriptionParts(record) : partsOf(sesType, record);
  if (parts === undefined) return { events: [], ignored: `unknown SES event ${sesType}` };

  const when = new Date(detailOf(sesType, record)?.timestamp ?? record.mail.timestamp);
  if (Number.isNaN(when.getTime()))
    return { events: [], ignored: `SES ${sesType} event without a valid timestamp` };
  const at = when.toISOString();
  const messageId = record.mail.tags?.[MESSAGE_ID_TAG]?.[0];
  const events: MailEvent[] = [];
  for (const { type, ...part } of parts) {
    const candidate = {
      // A subscription record can name several topics for one recipient: each is an event of its own.
      eventId: sesEventId(
        record.mail.messageId,
        sesType,
        at,
        [part.recipient, part.group].filter(Boolean).join('#'),
      ),
      provider: 'ses',
      type: type ?? TYPES[sesType]!,
      at,
      ...(messageId && { messageId }),
      providerMessageId: record.mail.messageId,
      ...part,
      raw: record,
    };
    const checked = MailEventSchema.safeParse(candidate);
    if (!checked.success) return { events: [], ignored: `invalid SES ${sesType} event` };
    events.push(checked.data);
  }
  return { events };
}

function partsOf(sesType: string, r: SesRecord): Part[] | undefined {
  const lower = (email: string) => email.toLowerCase();
  switch (sesType) {
    case 'Bounce':
      return r.bounce?.bouncedRecipients.map((b) => ({
        recipient: lower(b.emailAddress),
        // Transient bounces are ones SES has given up retrying, but the address may work another day.
        bounce: {
          type: r.bounce!.bounceType === 'Permanent' ? 'hard' : 'soft',
          ...(r.bounce!.bounceSubType && { classification: r.bounce!.bounceSubType }),
        },
        ...(b.diagnosticCode && { reason: b.diagnosticCode }),
      }));
    case 'Complaint':
      return r.complaint?.complainedRecipients.map((c) => ({ recipient: lower(c.emailAddress) }));
    case 'Delivery':
      return r.delivery?.recipients.map((email) => ({
        recipient: lower(email),
        ...(r.delivery!.smtpResponse && { reason: r.delivery!.smtpResponse }),
      }));
    case 'DeliveryDelay':
      return r.deliveryDelay?.delayedRecipients.map((d) => ({
        recipient: lower(d.emailAddress),
        ...((d.diagnosticCode ?? r.deliveryDelay!.delayType) && {
          reason: d.diagnosticCode ?? r.deliveryDelay!.delayType,
        }),
      }));
    case 'Reject':
      return [{ ...(r.reject?.reason && { reason: r.reject.reason }) }];
    case 'Rendering Failure':
      return [{ ...(r.failure?.errorMessage && { reason: r.failure.errorMessage }) }];
    case 'Click':
      return [{ ...(r.click?.link !== undefined && { url: r.click.link }) }];
    case 'Send':
    case 'Open':
      return [{}];
    default:
      return undefined;
  }
}

/**
 * A list-management change: opting out of everything is a global unsubscribe; otherwise each topic now
 * opted out is an unsubscribe from that topic only, and each opted in a resubscribe.
 */
function subscriptionParts(r: SesRecord): Part[] | undefined {
  const prefs = r.subscription?.newTopicPreferences;
  if (prefs === undefined) return undefined;
  const recipient = r.mail.destination?.[0]?.toLowerCase();
  const who = recipient === undefined ? {} : { recipient };
  if (prefs.unsubscribeAll) return [{ ...who, type: 'unsubscribed' }];
  return (prefs.topicSubscriptionStatus ?? []).map((t) => ({
    ...who,
    type: t.subscriptionStatus === 'OptOut' ? 'unsubscribed' : 'resubscribed',
    group: t.topicName,
  }));
}

function detailOf(sesType: string, r: SesRecord): { timestamp?: string | undefined } | undefined {
  const key = sesType === 'Rendering Failure' ? 'failure' : sesType[0]!.toLowerCase() + sesType.slice(1);
  const detail = (r as Record<string, unknown>)[key];
  return typeof detail === 'object' && detail !== null ? (detail as { timestamp?: string }) : undefined;
}

/** An SNS notification's `Message` is the SES record as a JSON string. */
function unwrapSns(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const { Type, Message } = input as { Type?: unknown; Message?: unknown };
  if (Type !== 'Notification' || typeof Message !== 'string') return input;
  try {
    return JSON.parse(Message);
  } catch {
    return undefined;
  }
}
