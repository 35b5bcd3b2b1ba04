import { backoffDelay, classifyError, PayloadTooLargeError } from '@mailroom/core';
import {
  EventStreamUnavailableError,
  MAX_BATCH_BYTES,
  MAX_BATCH_RECORDS,
  MAX_RECORD_BYTES,
  type EventStream,
  type RecordFailure,
} from './stream/port';

export interface PutEventsOptions {
  /** Calls per record at most, the first included (default 4). */
  maxTries?: number;
  /** Full-jitter backoff between tries (default 100 ms doubling up to 1 s). */
  backoff?: { baseMs: number; capMs: number; random?: () => number };
  sleep?: (ms: number) => Promise<void>;
}

export interface PutEventsResult {
  records: number;
  /** PutRecordBatch calls made, retries included. */
  calls: number;
  /** Records put more than once because the stream failed them first. */
  retried: number;
}

const DEFAULTS = { maxTries: 4, backoff: { baseMs: 100, capMs: 1000 } };
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One event as the lake stores it: a line of NDJSON (Athena and DuckDB read one JSON object per line). */
export const ndjsonRecord = (event: unknown): Buffer => Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');

/**
 * Hands events to the stream, one NDJSON record each, in batches within PutRecordBatch's limits. A
 * batch can partly fail (FailedPutCount): only the records the stream names are put again, after a
 * jittered backoff, up to `maxTries` calls each. Resolves once every record is accepted; otherwise throws
 * EventStreamUnavailableError, and the caller answers 5xx so the sender retries the whole batch (the
 * records already accepted then reach the lake twice; the tracker drops duplicates by event id).
 */
export async function putEvents(
  stream: EventStream,
  events: readonly unknown[],
  options: PutEventsOptions = {},
): Promise<PutEventsResult> {
  const maxTries = options.maxTries ?? DEFAULTS.maxTries;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const sleep = options.sleep ?? wait;
  const records = events.map(ndjsonRecord);
  records.forEach((record, i) => {
    if (record.length > MAX_RECORD_BYTES) {
      throw new PayloadTooLargeError(
        `event ${i} is ${record.length} bytes; the stream takes at most ${MAX_RECORD_BYTES} per event`,
      );
    }
  });

  const result: PutEventsResult = { records: records.length, calls: 0, retried: 0 };
  let pending = records.map((_, i) => i);
  let lastFailure: RecordFailure | undefined;
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (attempt > 0) {
      if (attempt >= maxTries) {
        throw new EventStreamUnavailableError(
          `the event stream did not accept ${pending.length} of ${records.length} events after ${maxTries} tries (last: ${lastFailure?.code})`,
        );
      }
      result.retried += pending.length;
      await sleep(backoffDelay(attempt - 1, backoff));
    }
    const failed: number[] = [];
    for (const chunk of chunks(pending, records)) {
      result.calls += 1;
      const outcome = await putChunk(
        stream,
        chunk.map((i) => records[i]!),
      );
      for (const failure of outcome) {
        const index = chunk[failure.index];
        if (index === undefined) continue;
        failed.push(index);
        lastFailure = failure;
      }
    }
    pending = failed;
  }
  return result;
}

/**
 * A call that throws a throttling, transient or unknown error fails all its records, which are tried again
 * with the others; one no retry can fix in time (access denied, no such stream) ends the hand-off at once.
 */
async function putChunk(stream: EventStream, records: Buffer[]): Promise<RecordFailure[]> {
  try {
    return (await stream.putBatch(records)).failed;
  } catch (err) {
    const { kind } = classifyError(err);
    if (kind === 'account' || kind === 'permanent') {
      throw new EventStreamUnavailableError('the event stream refused the batch', { cause: err });
    }
    const code = (err as Error).name || 'Error';
    return records.map((_, index) => ({ index, code }));
  }
}

/** Record indexes grouped in order, each group within the record count and byte limits of one call. */
function* chunks(indexes: readonly number[], records: readonly Buffer[]): Generator<number[]> {
  let chunk: number[] = [];
  let bytes = 0;
  for (const i of indexes) {
    const size = records[i]!.length;
    if (chunk.length > 0 && (chunk.length === MAX_BATCH_RECORDS || bytes + size > MAX_BATCH_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(i);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
