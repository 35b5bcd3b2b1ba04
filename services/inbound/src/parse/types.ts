import type { Readable } from 'node:stream';
import type { DecodedHeader } from './header-bytes';
import type { DeliveryReport } from './report';

export interface MailAddress {
  /** Decoded display name; empty when there is none. */
  name: string;
  address: string;
}

/** What the sink learns about an attachment before its content. */
export interface AttachmentMeta {
  /** 0-based position among the message's attachments: what storage keys are built from. */
  index: number;
  /** Safe to show and to offer as a download name (filename.ts). */
  filename: string;
  /** As the mail named it, decoded; null when it named none. Never a path to use. */
  originalFilename: string | null;
  contentType: string;
  /** Content-ID without its angle brackets, as `cid:` links name it. */
  contentId: string | null;
  disposition: 'attachment' | 'inline';
  /** IMAP-style part number, e.g. `1.2`. */
  partId: string | null;
}

export interface AttachmentInfo extends AttachmentMeta {
  /** Decoded bytes. */
  size: number;
}

/**
 * Receives each attachment's decoded content as it streams out of the parser. It must consume the
 * stream (or let go of it: what it leaves is drained) and resolve; a rejection stops the parse and
 * `parseMessage` rejects with it.
 */
export type AttachmentSink = (meta: AttachmentMeta, content: Readable) => Promise<void>;

export interface ParsedMessage {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  /** ISO 8601; null when absent or unreadable. */
  date: string | null;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** Every header of the message, in order. */
  headers: DecodedHeader[];
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
  /** For a delivery status notification or a feedback report, what it reports; otherwise null. */
  report: DeliveryReport | null;
}
