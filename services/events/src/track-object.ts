import { Readable, pipeline } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createGunzip } from 'node:zlib';
import { lines } from './lake/lines';
import { LakeObjectUnreadableError, type LakeObjectRef, type LakeObjects } from './lake/port';
import type { MailEvent, Normalized } from './normalize/mail-event';
import { normalizeSendGrid } from './normalize/sendgrid';
import { normalizeSes } from './normalize/ses';
import { trackBatches, type TrackDeps, type TrackResult } from './track-events';

export interface TrackObjectDeps extends TrackDeps {
  lake: LakeObjects;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export type TrackObjectResult =
  | { outcome: 'missing' }
  | { outcome: 'skipped'; reason: string }
  | {
      outcome: 'tracked';
      /** Non-empty lines read. */
      lines: number;
      /** Lines that are not JSON: logged and skipped (docs/events.md, "Poison objects"). */
      unparseable: number;
      /** JSON lines that are not an event we know. */
      ignored: number;
      events: number;
      track: TrackResult;
    };

/** The lake's layout: `provider=<p>/year=…/` (serverless.yml, the delivery streams' Prefix). */
const NORMALIZERS: Record<string, (raw: unknown) => Normalized> = {
  'provider=sendgrid/': normalizeSendGrid,
  'provider=ses/': normalizeSes,
};

// zlib's codes for input that is not gzip or ends early (https://nodejs.org/api/zlib.html).
const ZLIB_DATA_ERRORS = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'Z_NEED_DICT']);

/** A lake object read: its events and what its lines were, or why it was not read. */
type ReadResult =
  | { outcome: 'missing' }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'read'; lines: number; unparseable: number; ignored: number; events: MailEvent[] };

/**
 * One lake object into statuses (docs/events.md, "The tracker"): `trackLakeObjects` with that object
 * alone; throws when it cannot be read or a store fails.
 */
export async function trackLakeObject(ref: LakeObjectRef, deps: TrackObjectDeps): Promise<TrackObjectResult> {
  const [outcome] = await trackLakeObjects([ref], deps);
  if (outcome!.status === 'rejected') throw outcome!.reason;
  return outcome!.value;
}

/**
 * The lake objects of one tracker invocation into statuses (docs/events.md, "The tracker"): reads each
 * (at once), then folds all their events together with `trackBatches`, each object a batch named
 * `<bucket>/<key>`, so that a message's events spread over the objects cost it one status write.
 * Answers each object's outcome in order: rejected when it could not be read, or when a write that held
 * one of its events failed (it is then tracked again whole).
 */
export async function trackLakeObjects(
  refs: readonly LakeObjectRef[],
  deps: TrackObjectDeps,
): Promise<PromiseSettledResult<TrackObjectResult>[]> {
  const reads = await Promise.allSettled(refs.map((ref) => readLakeObject(ref, deps)));
  const batches = reads.flatMap((read, i) =>
    read.status === 'fulfilled' && read.value.outcome === 'read'
      ? [{ batchId: `${refs[i]!.bucket}/${refs[i]!.key}`, events: read.value.events }]
      : [],
  );
  const outcomes = await trackBatches(deps, batches);
  const tracked = new Map(batches.map((b, i) => [b.batchId, outcomes[i]!]));
  return reads.map((read, i): PromiseSettledResult<TrackObjectResult> => {
    if (read.status === 'rejected') return read;
    if (read.value.outcome !== 'read') return { status: 'fulfilled', value: read.value };
    const { events, ...lines } = read.value;
    const outcome = tracked.get(`${refs[i]!.bucket}/${refs[i]!.key}`)!;
    if (!outcome.ok) return { status: 'rejected', reason: outcome.error };
    return {
      status: 'fulfilled',
      value: { ...lines, outcome: 'tracked', events: events.length, track: outcome.result },
    };
  });
}

/**
 * Streams one lake object, gunzips it, reads it line by line (each line one provider event, NDJSON)
 * and normalises each line by the provider its key names.
 *
 * Poison policy: a line that is not JSON is counted, logged and skipped (the rest of the object is good,
 * and the line stays in the lake); an object that is not gzip, or whose stream breaks, throws, so its
 * tracker record fails and the queue's redrive parks it in the DLQ after the last receive. An object that
 * no longer exists is skipped; one outside the provider prefixes is skipped too.
 */
async function readLakeObject(ref: LakeObjectRef, deps: TrackObjectDeps): Promise<ReadResult> {
  const where = { bucket: ref.bucket, key: ref.key };
  const prefix = Object.keys(NORMALIZERS).find((p) => ref.key.startsWith(p));
  if (prefix === undefined) {
    deps.logger.warn('lake object outside the provider prefixes skipped', where);
    return { outcome: 'skipped', reason: 'not under provider=sendgrid/ or provider=ses/' };
  }
  const normalize = NORMALIZERS[prefix]!;
  const body = await deps.lake.open(ref);
  if (body === undefined) {
    deps.logger.info('lake object no longer exists; skipped', where);
    return { outcome: 'missing' };
  }

  const events: MailEvent[] = [];
  let count = 0;
  let ignored = 0;
  const unparseable: number[] = [];
  try {
    for await (const line of lines(gunzip(body))) {
      count += 1;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        unparseable.push(count);
        continue;
      }
      const normalized = normalize(json);
      if ('ignored' in normalized) ignored += 1;
      events.push(...normalized.events);
    }
  } catch (err) {
    if (ZLIB_DATA_ERRORS.has((err as NodeJS.ErrnoException).code ?? '')) {
      throw new LakeObjectUnreadableError(`${ref.bucket}/${ref.key} is not a readable gzip object`, {
        cause: err,
      });
    }
    throw err;
  }
  if (unparseable.length > 0) {
    deps.logger.warn('lake object lines that are not JSON skipped', {
      ...where,
      count: unparseable.length,
      lines: unparseable.slice(0, 20),
    });
  }
  return { outcome: 'read', lines: count, unparseable: unparseable.length, ignored, events };
}

/** The gunzipped stream; an error on either side ends the iteration with that error. */
function gunzip(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return pipeline(Readable.from(body, { objectMode: false }), createGunzip(), () => undefined);
}
