import { Readable, pipeline } from 'node:stream';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createGunzip } from 'node:zlib';
import { lines } from './lake/lines';
import { LakeObjectUnreadableError, type LakeObjectRef, type LakeObjects } from './lake/port';
import type { MailEvent, Normalized } from './normalize/mail-event';
import { normalizeSendGrid } from './normalize/sendgrid';
import { normalizeSes } from './normalize/ses';
import { trackEvents, type TrackDeps, type TrackResult } from './track-events';

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

/**
 * One lake object into statuses (docs/events.md, "The tracker"): streams it, gunzips it, reads it line by
 * line (each line one provider event, NDJSON), normalises each line by the provider its key names, and
 * folds the events with `trackEvents` under the batch id `<bucket>/<key>`.
 *
 * Poison policy: a line that is not JSON is counted, logged and skipped (the rest of the object is good,
 * and the line stays in the lake); an object that is not gzip, or whose stream breaks, throws, so its
 * tracker record fails and the queue's redrive parks it in the DLQ after the last receive. An object that
 * no longer exists is skipped; one outside the provider prefixes is skipped too.
 */
export async function trackLakeObject(ref: LakeObjectRef, deps: TrackObjectDeps): Promise<TrackObjectResult> {
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
  const track = await trackEvents(deps, `${ref.bucket}/${ref.key}`, events);
  return {
    outcome: 'tracked',
    lines: count,
    unparseable: unparseable.length,
    ignored,
    events: events.length,
    track,
  };
}

/** The gunzipped stream; an error on either side ends the iteration with that error. */
function gunzip(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return pipeline(Readable.from(body, { objectMode: false }), createGunzip(), () => undefined);
}
