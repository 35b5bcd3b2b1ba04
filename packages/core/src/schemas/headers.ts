import { z } from 'zod';

/**
 * Header names: RFC 5322 §3.6.8 field-name (printable ASCII except ":"), at most 126 characters. Values:
 * printable ASCII (space included), 1–870 characters. Both are SES v2's MessageHeader rules
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageHeader.html); keeping to them means a
 * header accepted here is never refused by the provider after the message was queued. Non-ASCII values
 * must be RFC 2047-encoded by the caller.
 */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]{1,126}$/;
const HEADER_VALUE = /^[\x20-\x7e]{1,870}$/;

/**
 * Mailroom's own bound. SES v2 documents no count; Amazon Pinpoint, which uses the same MessageHeader
 * shape, allows 15 (https://docs.aws.amazon.com/pinpoint/latest/apireference/apps-application-id-campaigns.html).
 */
export const MAX_CUSTOM_HEADERS = 15;

/**
 * Headers Mailroom writes itself, or that change where and how mail goes. A caller setting them could
 * forge the envelope, hide recipients, break the MIME structure, or — with X-SES-* — pick another
 * configuration set or message tags (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-send-email.html).
 * SendGrid refuses a similar list on `headers`
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send, "headers").
 */
const RESERVED_HEADERS = new Set(
  [
    'from',
    'sender',
    'to',
    'cc',
    'bcc',
    'reply-to',
    'subject',
    'date',
    'message-id',
    'mime-version',
    'return-path',
    'received',
    'dkim-signature',
    'domainkey-signature',
    'x-sg-id',
    'x-sg-eid',
  ].map((h) => h.toLowerCase()),
);
const RESERVED_PREFIXES = ['content-', 'x-ses-', 'x-mailroom-', 'arc-'];

export const isReservedHeader = (name: string): boolean => {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p));
};

export const HeaderNameSchema = z
  .string()
  .refine((s) => !/[\r\n]/.test(s), { error: 'header name must not contain CR or LF' })
  .refine((s) => HEADER_NAME.test(s) || /[\r\n]/.test(s), {
    error: 'header name must be 1–126 printable ASCII characters without ":" (RFC 5322 field-name)',
  })
  .refine((s) => !isReservedHeader(s), { error: 'header is set by Mailroom and cannot be overridden' });

export const HeaderValueSchema = z
  .string()
  .refine((s) => !/[\r\n]/.test(s), { error: 'header value must not contain CR or LF' })
  .refine((s) => HEADER_VALUE.test(s) || /[\r\n]/.test(s), {
    error: 'header value must be 1–870 printable ASCII characters (encode others per RFC 2047)',
  });

export const HeadersSchema = z
  .record(HeaderNameSchema, HeaderValueSchema)
  .refine((h) => Object.keys(h).length <= MAX_CUSTOM_HEADERS, {
    error: `at most ${MAX_CUSTOM_HEADERS} custom headers`,
  })
  .refine((h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length, {
    error: 'header names must be unique (compared case-insensitively)',
  })
  .meta({
    id: 'Headers',
    description:
      'Extra message headers, name → value. Names Mailroom controls (From, To, Subject, Content-*, …) are refused.',
  });
