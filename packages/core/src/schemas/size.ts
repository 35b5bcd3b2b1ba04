import { normalizeAddress, type Address } from './address';
import type { Attachment } from './attachments';
import { base64DecodedLength } from './attachments';
import { PayloadTooLargeError } from '../errors';
import type { Provider } from './common';
import { MAX_MESSAGE_BYTES, QUEUE_ENVELOPE_BYTES, SENDGRID_MAX_MESSAGE_BYTES } from './limits';

/** What estimateMessageSize needs; both SendMailRequest and the queue body fit it. */
export interface SizedMessage {
  from: Address;
  to: readonly Address[];
  cc?: readonly Address[] | undefined;
  bcc?: readonly Address[] | undefined;
  replyTo?: Address | readonly Address[] | undefined;
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
  attachments?: readonly Attachment[] | undefined;
}

export interface EstimateOptions {
  /** Size in bytes of an uploaded attachment, e.g. from S3 HeadObject. Unknown keys count as 0. */
  attachmentSize?: (key: string) => number | undefined;
}

export interface MessageSizeOptions extends EstimateOptions {
  /** The provider that will send the message, whose limit applies. Default `ses` (40 MB). */
  provider?: Provider;
}

/** The largest message each provider takes, in bytes (limits.ts says where each comes from). */
export const MAX_MESSAGE_BYTES_BY_PROVIDER: Readonly<Record<Provider, number>> = {
  ses: MAX_MESSAGE_BYTES,
  sendgrid: SENDGRID_MAX_MESSAGE_BYTES,
};
const PROVIDER_NAMES: Readonly<Record<Provider, string>> = { ses: 'SES', sendgrid: 'SendGrid' };

/** Headers every message gets from the renderer and the provider (Date, Message-ID, MIME-Version, DKIM…). */
const FIXED_HEADER_BYTES = 2048;
/** A MIME part's boundary line and its Content-Type / Content-Transfer-Encoding / Disposition headers. */
const PART_OVERHEAD_BYTES = 256;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** base64 with 76-character lines, each ended by CRLF (RFC 2045 §6.8): 57 input bytes per line. */
export const base64EncodedSize = (bytes: number): number =>
  Math.ceil(bytes / 3) * 4 + Math.ceil(bytes / 57) * 2;

const addressBytes = (a: Address): number => {
  const { email, name } = normalizeAddress(a);
  // A non-ASCII name is written as RFC 2047 encoded-words: count it base64-encoded.
  return utf8(email) + (name === undefined ? 0 : base64EncodedSize(utf8(name)) + 16) + 4;
};

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * An upper-leaning estimate of the MIME message a provider will send, in bytes, for the 40 MB SES limit.
 * Bodies and attachments are counted base64-encoded (what providers do with non-ASCII text and binary
 * files). Uploaded attachments count only if `attachmentSize` knows them: the HTTP layer, which can look
 * them up, should pass it; schema validation alone cannot.
 */
export const estimateMessageSize = (msg: SizedMessage, options: EstimateOptions = {}): number => {
  const replyTo = msg.replyTo === undefined ? [] : Array.isArray(msg.replyTo) ? msg.replyTo : [msg.replyTo];
  const addresses = [msg.from, ...msg.to, ...(msg.cc ?? []), ...(msg.bcc ?? []), ...(replyTo as Address[])];
  const headerBytes =
    FIXED_HEADER_BYTES +
    sum(addresses.map(addressBytes)) +
    base64EncodedSize(utf8(msg.subject)) +
    sum(Object.entries(msg.headers ?? {}).map(([k, v]) => k.length + v.length + 4));
  const bodyBytes = sum(
    [msg.text, msg.html].map((b) => (b === undefined ? 0 : PART_OVERHEAD_BYTES + base64EncodedSize(utf8(b)))),
  );
  const attachmentBytes = sum(
    (msg.attachments ?? []).map((a) => {
      const raw =
        a.content !== undefined
          ? base64DecodedLength(a.content)
          : a.key !== undefined
            ? (options.attachmentSize?.(a.key) ?? 0)
            : 0;
      return PART_OVERHEAD_BYTES + 2 * utf8(a.filename) + base64EncodedSize(raw);
    }),
  );
  return headerBytes + bodyBytes + attachmentBytes;
};

/** Bytes the request takes as an SQS message body once the send path adds tenantId, id and version. */
export const estimateQueueBodySize = (request: object): number =>
  utf8(JSON.stringify(request)) + QUEUE_ENVELOPE_BYTES;

/**
 * For the HTTP layer once it knows the uploaded attachments' sizes: PayloadTooLargeError (413) when the
 * message would exceed the limit of the provider that will send it (SES unless told otherwise).
 */
export const assertMessageSize = (msg: SizedMessage, options: MessageSizeOptions = {}): void => {
  const provider = options.provider ?? 'ses';
  const limit = MAX_MESSAGE_BYTES_BY_PROVIDER[provider];
  const bytes = estimateMessageSize(msg, options);
  if (bytes > limit) {
    throw new PayloadTooLargeError('The message is too large', {
      details: [
        {
          path: '',
          message: `message would be about ${bytes} bytes, over the ${limit}-byte ${PROVIDER_NAMES[provider]} limit`,
        },
      ],
    });
  }
};
