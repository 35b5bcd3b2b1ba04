/**
 * The events SES publishes for one sent mail through a configuration set, as SES writes them to
 * Firehose (one JSON record followed by a newline each): Send for the mail; then, per recipient,
 * Delivery, or Bounce for the simulator's bounce@ and suppressionlist@, and Delivery then Complaint
 * for complaint@.
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-firehose-contents.html
 * https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator
 */
import { randomUUID } from 'node:crypto';
import { bareAddress, simulatorEventType } from './simulator';

export interface SentMail {
  messageId: string;
  from: string;
  recipients: readonly string[];
  subject?: string;
  configurationSet: string;
  tags: Record<string, string>;
  sentAt: Date;
  region: string;
  accountId: string;
}

/** One event record and the SES v2 event type a destination must match to get it. */
export interface SesEvent {
  type: 'SEND' | 'DELIVERY' | 'BOUNCE' | 'COMPLAINT';
  record: Record<string, unknown>;
}

const REPORTING_MTA = 'a8-1.smtp-out.amazonses.com';
const at = (sent: Date, plusMs: number) => new Date(sent.getTime() + plusMs).toISOString();
const feedbackId = () => `0100019${randomUUID().replace(/-/g, '').slice(0, 9)}-${randomUUID()}-000000`;

/** The `mail` object every event of the mail carries. */
export function mailObject(mail: SentMail): Record<string, unknown> {
  const from = bareAddress(mail.from);
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const to = mail.recipients.map((r) => r.trim());
  const tags: Record<string, string[]> = {
    'ses:configuration-set': [mail.configurationSet],
    'ses:source-ip': ['127.0.0.1'],
    'ses:from-domain': [domain],
    'ses:caller-identity': ['mailroom-local'],
    ...Object.fromEntries(Object.entries(mail.tags).map(([k, v]) => [k, [v]])),
  };
  return {
    timestamp: mail.sentAt.toISOString(),
    source: mail.from,
    sourceArn: `arn:aws:ses:${mail.region}:${mail.accountId}:identity/${domain}`,
    sendingAccountId: mail.accountId,
    messageId: mail.messageId,
    destination: to,
    headersTruncated: false,
    headers: [
      { name: 'From', value: mail.from },
      { name: 'To', value: to.join(', ') },
      ...(mail.subject === undefined ? [] : [{ name: 'Subject', value: mail.subject }]),
      { name: 'MIME-Version', value: '1.0' },
    ],
    commonHeaders: {
      from: [mail.from],
      to,
      messageId: mail.messageId,
      ...(mail.subject === undefined ? {} : { subject: mail.subject }),
    },
    tags,
  };
}

/** Every event SES would publish for `mail`, in the order it happens. */
export function sesEvents(mail: SentMail): SesEvent[] {
  const common = mailObject(mail);
  const events: SesEvent[] = [{ type: 'SEND', record: { eventType: 'Send', mail: common, send: {} } }];
  const bounces: SesEvent[] = [];
  const complaints: SesEvent[] = [];
  for (const recipient of mail.recipients) {
    const address = bareAddress(recipient);
    const kind = simulatorEventType(recipient);
    if (kind === 'bounce' || kind === 'suppressed') {
      bounces.push({ type: 'BOUNCE', record: bounce(common, mail.sentAt, address, kind) });
      continue;
    }
    events.push({
      type: 'DELIVERY',
      record: {
        eventType: 'Delivery',
        mail: common,
        delivery: {
          timestamp: at(mail.sentAt, 400),
          processingTimeMillis: 400,
          recipients: [address],
          smtpResponse: '250 2.6.0 Message received',
          reportingMTA: REPORTING_MTA,
          remoteMtaIp: '127.0.0.1',
        },
      },
    });
    if (kind === 'complaint') {
      complaints.push({
        type: 'COMPLAINT',
        record: {
          eventType: 'Complaint',
          mail: common,
          complaint: {
            complainedRecipients: [{ emailAddress: address }],
            timestamp: at(mail.sentAt, 900),
            feedbackId: feedbackId(),
            userAgent: 'Amazon SES Mailbox Simulator',
            complaintFeedbackType: 'abuse',
            arrivalDate: at(mail.sentAt, 900),
          },
        },
      });
    }
  }
  // In time order: deliveries, then bounces (reported later), then complaints (later still).
  return [...events, ...bounces, ...complaints];
}

function bounce(
  common: Record<string, unknown>,
  sentAt: Date,
  address: string,
  kind: 'bounce' | 'suppressed',
) {
  const suppressed = kind === 'suppressed';
  return {
    eventType: 'Bounce',
    mail: common,
    bounce: {
      bounceType: 'Permanent',
      // The simulator's suppressionlist@ stands for an address on SES's global suppression list.
      bounceSubType: suppressed ? 'Suppressed' : 'General',
      bouncedRecipients: [
        {
          emailAddress: address,
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: suppressed
            ? 'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.'
            : 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: at(sentAt, 500),
      feedbackId: feedbackId(),
      reportingMTA: suppressed ? 'dsn; amazonses.com' : `dsn; ${REPORTING_MTA}`,
    },
  };
}

/** A record as SES hands it to Firehose: the JSON, then a newline. */
export const firehoseRecord = (event: SesEvent): Buffer => Buffer.from(`${JSON.stringify(event.record)}\n`);
