/**
 * Bounce and complaint rates of a stats window against Amazon SES's review thresholds (docs/console.md).
 * Pure: no DOM, so jest runs it in Node (packages/console/test).
 *
 * Denominator: `sent`, the mail the provider accepted (the events tracker counts SES's Send and
 * SendGrid's processed events). SES computes both rates over its delivery attempts, which is the same
 * thing; it also weighs a representative volume over time, so a rate over a small window is a hint,
 * not SES's figure. SES counts complaints only from mailbox providers that report them, so the
 * complaint rate here (over all sent mail) can read lower than SES's.
 * https://docs.aws.amazon.com/ses/latest/dg/reputationdashboard-messages.html
 */

/** A stats bucket's counters (GET /v1/stats). */
export interface Counts {
  queued: number;
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
  failed: number;
}

export type RateState = 'ok' | 'warning' | 'at-risk' | 'no-mail';

/**
 * Thresholds in hundredths of a percent (1 = 0.01 %), so a state is decided by integer arithmetic: a
 * rate exactly at a threshold is at it, with no floating-point rounding to reason about. SES places an
 * account under review at a bounce rate of 5 % and may pause its sending at 10 %; for complaints at
 * 0.1 % and 0.5 %.
 */
export const THRESHOLDS = {
  bounce: { warning: 500, atRisk: 1000 },
  complaint: { warning: 10, atRisk: 50 },
} as const;
const SCALE = 10_000;

export interface Rate {
  /** Bounced or complained mail. */
  count: number;
  /** Sent mail. */
  of: number;
  /** count / of, or null when nothing was sent. */
  ratio: number | null;
  state: RateState;
  /** The thresholds as ratios, for display. */
  warning: number;
  atRisk: number;
}

/** Every counter summed over the window. */
export function totals(buckets: readonly Counts[]): Counts {
  const sum: Counts = {
    queued: 0,
    sent: 0,
    delivered: 0,
    bounced: 0,
    complained: 0,
    opened: 0,
    clicked: 0,
    failed: 0,
  };
  for (const bucket of buckets) {
    for (const name of Object.keys(sum) as (keyof Counts)[]) sum[name] += bucket[name] ?? 0;
  }
  return sum;
}

/** `count` of `of` against `thresholds`; nothing sent is its own state, never a division by zero. */
export function rate(count: number, of: number, thresholds: { warning: number; atRisk: number }): Rate {
  const shown = { warning: thresholds.warning / SCALE, atRisk: thresholds.atRisk / SCALE };
  if (of <= 0) return { count, of, ratio: null, state: 'no-mail', ...shown };
  // count / of ≥ t / SCALE  ⇔  count · SCALE ≥ t · of (both sides integers well below 2^53).
  const atLeast = (t: number) => count * SCALE >= t * of;
  const state = atLeast(thresholds.atRisk) ? 'at-risk' : atLeast(thresholds.warning) ? 'warning' : 'ok';
  return { count, of, ratio: count / of, state, ...shown };
}

/** The window's bounce and complaint rates, both over sent mail. */
export function rates(sum: Pick<Counts, 'sent' | 'bounced' | 'complained'>): {
  bounce: Rate;
  complaint: Rate;
} {
  return {
    bounce: rate(sum.bounced, sum.sent, THRESHOLDS.bounce),
    complaint: rate(sum.complained, sum.sent, THRESHOLDS.complaint),
  };
}
