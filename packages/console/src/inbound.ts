/**
 * Received mail as the console reads it (`GET /v1/inbound`, `GET /v1/inbound/{id}`; docs/api.md). Kept
 * apart from types.ts, which describes sent mail.
 */

export const INBOUND_STATUSES = ['received', 'processed', 'unrouted', 'rejected', 'failed'] as const;

/** Being processed: a page showing it refreshes itself. */
export const INBOUND_IN_FLIGHT = new Set(['received']);

/**
 * What `POST /v1/inbound/{id}/retry` takes: only `failed` (processed and rejected are final, received is
 * being processed; unrouted mail has no tenant, so no tenant sees it).
 */
export const INBOUND_RETRYABLE = new Set(['failed']);

/** SES's verdicts, in the order the console shows them, with the names people know them by. */
export const VERDICT_NAMES = [
  ['spam', 'Spam'],
  ['virus', 'Virus'],
  ['spf', 'SPF'],
  ['dkim', 'DKIM'],
  ['dmarc', 'DMARC'],
] as const;

export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface Dsn {
  action: string | null;
  status: string | null;
  diagnosticCode: string | null;
  finalRecipient: string | null;
  originalMessageId: string | null;
}

export interface InboundFile {
  filename: string;
  contentType: string;
  size: number;
}

export interface InboundSummary {
  id: string;
  status: string;
  from: string | null;
  to: string[];
  subject: string | null;
  receivedAt: string;
  route: string | null;
  verdicts: Partial<Record<(typeof VERDICT_NAMES)[number][0], Verdict>>;
  linkedMessageId: string | null;
  dsn: Dsn | null;
  attachments: InboundFile[];
}

export interface InboundMail extends InboundSummary {
  text: string | null;
  html: string | null;
  /** Set when the bodies were too large to answer inline (text and html are null then). */
  bodiesUrl: string | null;
  /** Each with a short-lived download URL. */
  attachments: (InboundFile & { url: string })[];
}
