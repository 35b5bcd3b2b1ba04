import { STAT_COUNTERS, ValidationError, type CounterCounts, type Counters } from '@mailroom/core';
import { z } from 'zod';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The longest window each interval answers: a week of hours, a quarter of days. */
export const MAX_SPAN_MS = { hour: 7 * DAY_MS, day: 92 * DAY_MS } as const;
/** Without `since`: the last day of hours, the last 30 days. */
const DEFAULT_SPAN_MS = { hour: DAY_MS, day: 30 * DAY_MS } as const;
/** Days read at once (one DynamoDB query each). */
const READ_CONCURRENCY = 8;

/** `GET /v1/stats` query (docs/contract.md): ISO 8601 times with a zone, `interval` hour or day. */
export const StatsQuerySchema = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().meta({
    description:
      'Start of the window (ISO 8601 with a zone); by default a day (hours) or 30 days (days) before until.',
  }),
  until: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'End of the window; now by default.' }),
  interval: z
    .enum(['hour', 'day'])
    .default('day')
    .meta({ description: 'Bucket size: a week of hours, or 92 days, at most.' }),
});
export type StatsQuery = z.infer<typeof StatsQuerySchema>;

export type StatsBucket = { start: string } & Record<(typeof STAT_COUNTERS)[number], number>;

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const isoHour = (ms: number) => new Date(ms).toISOString().slice(0, 13);
const bucketStart = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const zero = (): Record<(typeof STAT_COUNTERS)[number], number> =>
  Object.fromEntries(STAT_COUNTERS.map((name) => [name, 0])) as Record<
    (typeof STAT_COUNTERS)[number],
    number
  >;

/**
 * `GET /v1/stats`: the tenant's counters (UTC hours, written by accept and the events tracker) summed into
 * buckets of an hour or a day, oldest first, every bucket from the one holding `since` up to `until`
 * present (zeros included) so a chart needs no gap filling.
 */
export async function getStats(
  tenantId: string,
  query: StatsQuery,
  deps: { counters: Pick<Counters, 'day'>; now?: () => Date },
): Promise<{ buckets: StatsBucket[] }> {
  const step = query.interval === 'hour' ? HOUR_MS : DAY_MS;
  const until = query.until ? Date.parse(query.until) : (deps.now ?? (() => new Date()))().getTime();
  const since = query.since ? Date.parse(query.since) : until - DEFAULT_SPAN_MS[query.interval];
  if (since >= until) {
    throw new ValidationError('since must be before until', {
      details: [{ path: 'since', message: 'must be before until' }],
    });
  }
  if (until - since > MAX_SPAN_MS[query.interval]) {
    throw new ValidationError(
      `a window of ${query.interval}s is at most ${MAX_SPAN_MS[query.interval] / DAY_MS} days`,
      {
        details: [
          { path: 'since', message: `at most ${MAX_SPAN_MS[query.interval] / DAY_MS} days before until` },
        ],
      },
    );
  }

  const buckets = new Map<number, StatsBucket>();
  for (let start = floorTo(since, step); start < until; start += step) {
    buckets.set(start, { start: bucketStart(start), ...zero() });
  }
  const days: string[] = [];
  for (let day = floorTo(since, DAY_MS); day < until; day += DAY_MS) days.push(isoHour(day).slice(0, 10));

  const hours: { hour: string; counts: CounterCounts }[] = [];
  for (let i = 0; i < days.length; i += READ_CONCURRENCY) {
    const read = await Promise.all(
      days.slice(i, i + READ_CONCURRENCY).map((d) => deps.counters.day(tenantId, d)),
    );
    hours.push(...read.flat());
  }
  for (const { hour, counts } of hours) {
    const bucket = buckets.get(floorTo(Date.parse(`${hour}:00:00Z`), step));
    if (!bucket) continue; // an hour of the first or last day outside the window
    for (const name of STAT_COUNTERS) bucket[name] += counts[name] ?? 0;
  }
  return { buckets: [...buckets.values()] };
}
