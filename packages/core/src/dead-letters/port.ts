/**
 * The dead-letter queues of the send and inbound queues, as the admin CLI (`mailroom dlq`) and the api's
 * ops endpoints (`/v1/ops/dlq`) read and redrive them: one port, an SQS adapter ('@mailroom/core/aws')
 * and an in-memory twin ('@mailroom/core/testing').
 */

/** The queues that have a DLQ: outbound's send queue and inbound's receipt queue. */
export const DLQ_NAMES = ['send', 'inbound'] as const;
export type DlqName = (typeof DLQ_NAMES)[number];

export const isDlqName = (value: string): value is DlqName =>
  (DLQ_NAMES as readonly string[]).includes(value);

/** One record of a dead-letter queue, as received (hidden from other readers until revealed or removed). */
export interface DlqRecord {
  /** SQS's id of this record (not Mailroom's). */
  sqsMessageId: string;
  body: string;
  receiptHandle: string;
  /** How often it was received, its receives before it was dead-lettered included. */
  receiveCount?: number;
}

/** Records waiting in a DLQ (visible) and records someone is reading (in flight); approximate on AWS. */
export interface DlqDepth {
  visible: number;
  inFlight: number;
}

/** A queue and its dead-letter queue. */
export interface DeadLetterQueue {
  sourceUrl: string;
  dlqUrl: string;
  depth(): Promise<DlqDepth>;
  /** Up to `max` (≤ 10) records, hidden for `hideSeconds`. */
  receive(max: number, hideSeconds: number): Promise<DlqRecord[]>;
  /** Makes records visible again at once. */
  reveal(receiptHandles: readonly string[]): Promise<void>;
  /** Sends a body to the source queue. */
  sendToSource(body: string): Promise<void>;
  /** Deletes a record from the DLQ. */
  remove(receiptHandle: string): Promise<void>;
}
