/**
 * The Event Webhook events SendGrid reports for one accepted mail, per recipient: `processed`, then
 * `delivered` — or, for Amazon SES's mailbox simulator addresses, which both local providers honour
 * (docs/contract.md), what SendGrid reports for the same fate: `bounce` for bounce@, `dropped`
 * ("Bounced Address") for suppressionlist@, `delivered` then `spamreport` for complaint@. ooto@ (an
 * auto-responding mailbox, which SES delivers to) is where the local SendGrid shows a `deferred`
 * first: its server asks to try again, then takes the mail.
 * Custom args and categories come back on every event, as SendGrid sends them.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event
 */
import { randomBytes } from 'node:crypto';
import { bareAddress, simulatorEventType } from './simulator';

export type SendGridEvent = Record<string, unknown> & { event: string; sg_event_id: string; email: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): Record<string, string> =>
  isObject(v)
    ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/** `<X-Message-Id>.<the receiving server's part>`, as `sg_message_id` reads. */
export function sgMessageId(messageId: string, index: number, at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000)
    .toString(16)
    .toUpperCase();
  return `${messageId}.filterdrecv-local-${seconds}-${index}.0`;
}

const eventId = (kind: string, messageId: string, index: number) =>
  Buffer.from(`${kind}-${randomBytes(6).toString('hex')}-${messageId}-${index}`).toString('base64url');

/** Every event for a mail SendGrid accepted with `messageId`, in the order they happen. */
export function sendGridEvents(body: unknown, messageId: string, at: Date = new Date()): SendGridEvent[] {
  if (!isObject(body) || !Array.isArray(body.personalizations)) return [];
  const timestamp = Math.floor(at.getTime() / 1000);
  const category = Array.isArray(body.categories) ? body.categories : undefined;
  const events: SendGridEvent[] = [];
  let index = 0;
  body.personalizations.forEach((p: unknown) => {
    if (!isObject(p)) return;
    // Personalization custom args override the message's (SendGrid merges them the same way); the
    // event's own fields win over both.
    const args = { ...strings(body.custom_args), ...strings(p.custom_args) };
    for (const kind of ['to', 'cc', 'bcc'] as const) {
      const list = Array.isArray(p[kind]) ? (p[kind] as unknown[]) : [];
      for (const r of list) {
        if (!isObject(r) || typeof r.email !== 'string') continue;
        const email = bareAddress(r.email);
        const sgId = sgMessageId(messageId, index, at);
        const base = {
          ...args,
          email,
          timestamp,
          'smtp-id': `<${messageId}@ismtpd-local.sendgrid.net>`,
          sg_message_id: sgId,
          ...(category ? { category } : {}),
        };
        const event = (name: string, extra: Json = {}): SendGridEvent => ({
          ...base,
          event: name,
          sg_event_id: eventId(name, messageId, index),
          ...extra,
        });
        events.push(...fate(email, event));
        index += 1;
      }
    }
  });
  return events;
}

function fate(email: string, event: (name: string, extra?: Json) => SendGridEvent): SendGridEvent[] {
  const processed = event('processed');
  const delivered = event('delivered', { response: '250 2.0.0 OK', tls: 1 });
  switch (simulatorEventType(email)) {
    case 'bounce':
      return [
        processed,
        event('bounce', {
          type: 'bounce',
          status: '5.1.1',
          reason: '550 5.1.1 The email account that you tried to reach does not exist.',
          bounce_classification: 'Invalid Address',
          tls: 1,
        }),
      ];
    case 'suppressed':
      return [processed, event('dropped', { reason: 'Bounced Address', status: '5.0.0' })];
    case 'complaint':
      return [processed, delivered, event('spamreport')];
    default:
      if (email.split('@')[0]?.split('+')[0] === 'ooto' && email.endsWith('@simulator.amazonses.com')) {
        const deferred = event('deferred', {
          response: '421 4.2.1 The mailbox is temporarily unavailable, try again later',
          attempt: '1',
          tls: 1,
        });
        return [processed, deferred, delivered];
      }
      return [processed, delivered];
  }
}
