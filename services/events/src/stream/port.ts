import { MailroomError } from '@mailroom/core';

/**
 * Where verified webhook events go: one delivery stream (Kinesis Data Firehose when deployed, the local
 * cloud's stand-in under `pnpm dev`), which buffers them into the lake.
 *
 * `putBatch` is one PutRecordBatch: it tries every record once and says which ones the stream did not
 * take. The caller keeps within the batch limits below and retries only what failed (put-events.ts).
 */
export interface EventStream {
  putBatch(records: readonly Buffer[]): Promise<BatchOutcome>;
}

export interface RecordFailure {
  /** Index into the records given to `putBatch`. */
  index: number;
  /** The stream's error code, e.g. `ServiceUnavailableException`. */
  code: string;
}

export interface BatchOutcome {
  /** Records not accepted; empty when the stream took them all. */
  failed: RecordFailure[];
}

/**
 * PutRecordBatch limits: 500 records and 4 MiB per call, 1,000 KiB per record (before base64).
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 */
export const MAX_BATCH_RECORDS = 500;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
export const MAX_RECORD_BYTES = 1000 * 1024;

/**
 * The stream did not take every event, after the retries put-events.ts allows, or refused the call
 * outright. Retryable: the webhook answers 503 and SendGrid sends the batch again later.
 */
export class EventStreamUnavailableError extends MailroomError {
  readonly code = 'EVENTS.STREAM_UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 503;
}
