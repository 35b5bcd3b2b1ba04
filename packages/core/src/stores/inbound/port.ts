import type { VerdictName } from '../../schemas/route';

/** Where a received mail stands (docs/contract.md): `received` until processing ends in one of the others. */
export type InboundStatus = 'received' | 'processed' | 'unrouted' | 'rejected' | 'failed';
export const INBOUND_STATUSES: readonly InboundStatus[] = [
  'received',
  'processed',
  'unrouted',
  'rejected',
  'failed',
];

/** SES's verdict values (receipt.spamVerdict.status etc.). */
export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';
export type Verdicts = Partial<Record<VerdictName, VerdictStatus>>;

export interface InboundAttachment {
  /** The original file name, decoded, for display only; never used as a key. */
  filename: string;
  contentType: string;
  size: number;
  /** Generated S3 key: `parsed/<id>/<n>`. */
  key: string;
}

/** What a delivery status notification reports (multipart/report; report-type=delivery-status). */
export interface InboundDsn {
  action: string | null;
  status: string | null;
  diagnosticCode: string | null;
  finalRecipient: string | null;
  originalMessageId: string | null;
}

export interface InboundRecord {
  /** Mailroom's id (ULID). */
  id: string;
  /** SES's message id: the raw object's name, and the dedupe key of the notification. */
  sesMessageId: string;
  /** The route's tenant; null while unrouted. */
  tenantId: string | null;
  status: InboundStatus;
  /** The matched route's pattern, or null. */
  route: string | null;
  /** Envelope recipients (receipt.recipients), lower-cased. */
  recipients: string[];
  from: string | null;
  to: string[];
  subject: string | null;
  receivedAt: string;
  updatedAt: string;
  /** Where the raw MIME is now: `raw/…`, `processed/…` or `failed/…` in the receipt bucket. */
  rawKey: string;
  /** The parsed message JSON (`parsed/<id>/message.json`), once parsed. */
  parsedKey: string | null;
  attachments: InboundAttachment[];
  verdicts: Verdicts;
  /** The sent mail this one replies to or reports on. */
  linkedMessageId: string | null;
  dsn: InboundDsn | null;
  /** Processing attempts so far (the first counts). */
  attempts: number;
  /** Why it was rejected or failed. */
  reason: string | null;
}

export type NewInbound = Pick<
  InboundRecord,
  'sesMessageId' | 'recipients' | 'receivedAt' | 'rawKey' | 'verdicts'
>;
export type InboundUpdate = Partial<Omit<InboundRecord, 'id' | 'sesMessageId' | 'receivedAt'>>;

export interface InboundFilter {
  status?: InboundStatus;
  /** An envelope recipient, exact, lower-cased. */
  recipient?: string;
  /** ISO timestamps bounding receivedAt, inclusive. */
  since?: string;
  until?: string;
}

export interface InboundPage {
  items: InboundRecord[];
  /** Position after the last item when more may follow (opaque to callers, pass back as `after`). */
  last?: string;
}

/**
 * Received mail. Implementations: DynamoInboundStore (`@mailroom/core/aws`), InMemoryInboundStore
 * (`@mailroom/core/testing`), with the same behaviour (one suite runs both).
 */
export interface InboundStore {
  /**
   * Records a notification as `received` under a new id, once per SES message id (conditional write):
   * a redelivered notification answers the existing record with `created: false`.
   */
  receive(mail: NewInbound): Promise<{ created: boolean; record: InboundRecord }>;
  /** The tenant's mail; null when absent or another tenant's (both a 404). */
  get(tenantId: string, id: string): Promise<InboundRecord | null>;
  /** Any mail by id, whatever its tenant (processing and retries; never the API). */
  load(id: string): Promise<InboundRecord | null>;
  /**
   * Sets fields and `updatedAt`; with `from`, only while the status is one of those (conditional), else
   * null and nothing written. Null when the record is gone. Setting `status` ends a claim's lease.
   */
  update(id: string, fields: InboundUpdate, from?: readonly InboundStatus[]): Promise<InboundRecord | null>;
  /** The tenant's mail, newest first, matching the filter. */
  list(
    tenantId: string,
    filter: InboundFilter,
    page: { limit: number; after?: string },
  ): Promise<InboundPage>;
  /** Failed mail of every tenant received since `since`, oldest first (the retry schedule's work). */
  failedSince(since: string, page: { limit: number; after?: string }): Promise<InboundPage>;
  /**
   * Takes a `received` record for processing until `leaseMs` from now (conditional): counts one attempt
   * and answers the record. Null when it is not `received` or another worker's lease has not ended, so
   * two deliveries of one notification at the same moment process and dispatch it once. Any status
   * write (`update` with `status`) ends the lease. The lease must outlast the worker's run (the Lambda
   * timeout): a worker still running after its lease ended could otherwise race its successor.
   */
  claim(id: string, leaseMs: number): Promise<InboundRecord | null>;
  /**
   * `received` mail nobody is processing, oldest first: its lease ended, or it was never claimed and
   * nothing changed it for `idleMs` (a worker that stopped between recording and claiming).
   */
  stuck(idleMs: number, page: { limit: number; after?: string }): Promise<InboundPage>;
  /**
   * Frees a stuck record (the same test as `stuck`, conditional) so that a new order can claim it at
   * once; it counts as changed now. Null when it is no longer stuck.
   */
  free(id: string, idleMs: number): Promise<InboundRecord | null>;
}
