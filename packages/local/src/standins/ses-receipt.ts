/**
 * The `Received` notification SES's S3 action publishes to its topic once it has stored a mail
 * (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html), built from
 * the SMTP envelope and the mail's own header block. Field order follows what SES publishes.
 */
import { randomBytes } from 'node:crypto';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';

/** SES's verdict values; the local ingress checks nothing, so it gives what SES gives unchecked mail. */
export type ReceiptVerdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED';

export interface ReceiptVerdicts {
  spam: ReceiptVerdict;
  virus: ReceiptVerdict;
  spf: ReceiptVerdict;
  dkim: ReceiptVerdict;
  dmarc: ReceiptVerdict;
}

/**
 * No DNS locally, so SPF, DKIM and DMARC cannot be checked: GRAY is SES's answer when a check has
 * nothing to go on (no SPF record, no signature, no DMARC policy). Nothing scans for spam or viruses.
 */
export const LOCAL_VERDICTS: ReceiptVerdicts = {
  spam: 'PASS',
  virus: 'PASS',
  spf: 'GRAY',
  dkim: 'GRAY',
  dmarc: 'GRAY',
};

/**
 * SES truncates the `headers` list of a notification when the headers are larger than 10 KB and says
 * so in `headersTruncated` (the page above, `mail` object).
 */
export const NOTIFICATION_HEADERS_BYTES = 10 * 1024;

export interface MailHeader {
  name: string;
  value: string;
}

export interface ReceivedMail {
  /** The new SES message id: also the object's name under the prefix. */
  messageId: string;
  /** When the DATA command began; `processingTimeMillis` counts from here. */
  receivedAt: Date;
  /** MAIL FROM, '' for the null sender `<>`. */
  envelopeFrom: string;
  /** Every accepted RCPT TO, in order. */
  envelopeTo: readonly string[];
  /** The mail's header block, unfolded, in order (HeaderTap). */
  headers: readonly MailHeader[];
  /** The header block did not end within what HeaderTap keeps. */
  headerBlockCut: boolean;
}

export interface S3ActionTarget {
  topicArn: string;
  bucketName: string;
  objectKeyPrefix: string;
}

/**
 * A new SES-like message id: 40 characters of `0-9a-v` (base32hex, lower case), the form of the ids
 * SES gives received mail.
 */
export function newSesMessageId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  const bytes = randomBytes(25);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

export function receivedNotification(
  mail: ReceivedMail,
  action: S3ActionTarget,
  verdicts: ReceiptVerdicts,
  now: Date = new Date(),
): Record<string, unknown> {
  const timestamp = mail.receivedAt.toISOString();
  const { headers, truncated } = limitHeaders(mail.headers);
  const common = commonHeaders(mail.headers, mail.envelopeFrom);
  const destination = [...(common.to ?? []), ...(common.cc ?? [])].flatMap(emailsOf);
  return {
    notificationType: 'Received',
    mail: {
      timestamp,
      source: mail.envelopeFrom,
      messageId: mail.messageId,
      destination: [...new Set(destination)],
      headersTruncated: truncated || mail.headerBlockCut,
      headers,
      commonHeaders: common,
    },
    receipt: {
      timestamp,
      processingTimeMillis: Math.max(0, now.getTime() - mail.receivedAt.getTime()),
      recipients: [...mail.envelopeTo],
      spamVerdict: { status: verdicts.spam },
      virusVerdict: { status: verdicts.virus },
      spfVerdict: { status: verdicts.spf },
      dkimVerdict: { status: verdicts.dkim },
      dmarcVerdict: { status: verdicts.dmarc },
      action: {
        type: 'S3',
        topicArn: action.topicArn,
        bucketName: action.bucketName,
        objectKeyPrefix: action.objectKeyPrefix,
        objectKey: `${action.objectKeyPrefix}${mail.messageId}`,
      },
      // SES names the sender domain's DMARC policy when DMARC fails; there is none to name locally.
      ...(verdicts.dmarc === 'FAIL' ? { dmarcPolicy: 'none' } : {}),
    },
  };
}

function limitHeaders(all: readonly MailHeader[]): { headers: MailHeader[]; truncated: boolean } {
  const headers: MailHeader[] = [];
  let size = 0;
  for (const header of all) {
    size += Buffer.byteLength(header.name) + Buffer.byteLength(header.value) + 4;
    if (size > NOTIFICATION_HEADERS_BYTES) return { headers, truncated: true };
    headers.push(header);
  }
  return { headers, truncated: false };
}

interface CommonHeaders {
  returnPath?: string;
  from?: string[];
  sender?: string;
  replyTo?: string[];
  date?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  messageId?: string;
  subject?: string;
}

/** SES's `commonHeaders`: the usual fields, encoded words decoded; a field the mail lacks is left out. */
function commonHeaders(headers: readonly MailHeader[], envelopeFrom: string): CommonHeaders {
  const first = (name: string): string | undefined =>
    headers.find((h) => h.name.toLowerCase() === name)?.value;
  const list = (name: string): string[] | undefined => {
    const value = first(name);
    return value === undefined ? undefined : splitAddresses(decode(value));
  };
  const out: CommonHeaders = {};
  const returnPath = first('return-path')?.replace(/^<|>$/g, '') ?? envelopeFrom;
  if (returnPath) out.returnPath = returnPath;
  const set = <K extends keyof CommonHeaders>(key: K, value: CommonHeaders[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('from', list('from'));
  set('sender', first('sender') && decode(first('sender')!));
  set('replyTo', list('reply-to'));
  set('date', first('date'));
  set('to', list('to'));
  set('cc', list('cc'));
  set('bcc', list('bcc'));
  set('messageId', first('message-id'));
  set('subject', first('subject') === undefined ? undefined : decode(first('subject')!));
  return out;
}

function decode(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

/** `"Doe, Jane" <jane@x>, bob@y` → each address as written, commas inside quotes kept. */
function splitAddresses(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && quoted) {
      current += c + (value[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') angle++;
    else if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    if (c === ',' && !quoted && angle === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function emailsOf(written: string): string[] {
  return addressparser(written, { flatten: true })
    .map((a) => a.address)
    .filter((a) => a.includes('@'));
}
