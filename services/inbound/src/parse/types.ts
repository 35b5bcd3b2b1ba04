import type { Readable } from 'node:stream';
import { z } from 'zod';

/**
 * The parsed message as it is stored (`parsed/<id>/message.json`, later) and read back: one zod schema
 * gives the types and validates what is read.
 */

export const MailAddressSchema = z.object({
  /** Decoded display name; empty when there is none. */
  name: z.string(),
  address: z.string(),
});
export type MailAddress = z.infer<typeof MailAddressSchema>;

/** What the sink learns about an attachment before its content. */
export const AttachmentMetaSchema = z.object({
  /** 0-based position among the message's attachments: what storage keys are built from. */
  index: z.number().int().nonnegative(),
  /** Safe to show and to offer as a download name (filename.ts). */
  filename: z.string().min(1),
  /** As the mail named it, decoded; null when it named none. Never a path to use. */
  originalFilename: z.string().nullable(),
  contentType: z.string(),
  /** Content-ID without its angle brackets, as `cid:` links name it. */
  contentId: z.string().nullable(),
  disposition: z.enum(['attachment', 'inline']),
  /** IMAP-style part number, e.g. `1.2`. */
  partId: z.string().nullable(),
});
export type AttachmentMeta = z.infer<typeof AttachmentMetaSchema>;

export const AttachmentInfoSchema = AttachmentMetaSchema.extend({
  /** Decoded bytes. */
  size: z.number().int().nonnegative(),
});
export type AttachmentInfo = z.infer<typeof AttachmentInfoSchema>;

export const DecodedHeaderSchema = z.object({
  /** As the sender wrote it. */
  name: z.string(),
  /** Unfolded, with raw bytes and encoded words decoded. */
  value: z.string(),
});
export type DecodedHeader = z.infer<typeof DecodedHeaderSchema>;

export const DeliveryReportSchema = z.object({
  type: z.enum(['delivery-status', 'feedback-report']),
  /** RFC 3464 Action: failed, delayed, delivered, relayed, expanded. Null for a feedback report. */
  action: z.string().nullable(),
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. */
  status: z.string().nullable(),
  /** The remote server's answer, without the `smtp;` type. */
  diagnosticCode: z.string().nullable(),
  /** The address the report is about: Final-Recipient, or a feedback report's Original-Rcpt-To. */
  finalRecipient: z.string().nullable(),
  /** Message-ID of the mail the report is about, from its returned copy or headers. */
  originalMessageId: z.string().nullable(),
  reportingMta: z.string().nullable(),
  /** A feedback report's Feedback-Type (abuse, fraud, virus, other…). */
  feedbackType: z.string().nullable(),
});
export type DeliveryReport = z.infer<typeof DeliveryReportSchema>;

export const ParsedMessageSchema = z.object({
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  subject: z.string(),
  /** ISO 8601; null when absent or unreadable. */
  date: z.iso.datetime().nullable(),
  from: z.array(MailAddressSchema),
  to: z.array(MailAddressSchema),
  cc: z.array(MailAddressSchema),
  replyTo: z.array(MailAddressSchema),
  /** Every header of the message, in order. */
  headers: z.array(DecodedHeaderSchema),
  text: z.string().nullable(),
  html: z.string().nullable(),
  attachments: z.array(AttachmentInfoSchema),
  /** For a delivery status notification or a feedback report, what it reports; otherwise null. */
  report: DeliveryReportSchema.nullable(),
});
export type ParsedMessage = z.infer<typeof ParsedMessageSchema>;

/**
 * Receives each attachment's decoded content as it streams out of the parser. It must consume the
 * stream (or let go of it: what it leaves is drained) and resolve; a rejection stops the parse and
 * `parseMessage` rejects with it.
 */
export type AttachmentSink = (meta: AttachmentMeta, content: Readable) => Promise<void>;
