/**
 * Where the shared send budget lives (budget.ts): DynamoDB in the wiring (budget-dynamo.ts), memory in
 * tests and the simulation (budget-memory.ts). Both behave the same; the budget's logic is in budget.ts.
 */
export interface BudgetStore {
  /**
   * Reserves the run of slots [from, from + sizeMs) of the account's per-second budget, from = max(tat, now),
   * and moves `tat` to its end — unless `from` lies more than `maxAheadMs` after `now`: then nothing is
   * reserved and `busyUntil` is the current `tat`.
   */
  advance(
    account: string,
    request: { sizeMs: number; now: number; maxAheadMs: number },
  ): Promise<{ from: number } | { busyUntil: number }>;
  /** The account's holds that end after `now` (budget.ts "Late sends"). */
  holds(account: string, now: number): Promise<Hold[]>;
  /** Records a hold: sends due in [from, until) leave at `until`. */
  addHold(account: string, hold: Hold): Promise<void>;
  /**
   * Counts `units` against the account's 24-hour quota `max`, in the clock hour of `now`. The quota is read
   * over the current hour and the 24 before it (25 hours: a window that always covers SES's rolling 24 hours,
   * at the price of up to an hour's sends counted longer than SES counts them). When the units do not fit,
   * nothing is counted and `retryAt` is when enough old hours will have left the window.
   */
  countDay(
    account: string,
    request: { units: number; now: number; max: number },
  ): Promise<{ units: number } | { retryAt: number }>;
}

/** Sends due in [from, until) (epoch ms) leave at `until`: the second after a late send (budget.ts). */
export interface Hold {
  from: number;
  until: number;
}

export const HOUR_MS = 3_600_000;
/** Hours in the 24-hour window: the current one and the 24 before it (see countDay). */
export const WINDOW_HOURS = 25;

/** The hourly counts still in the window at `now`, and when `units` more fit under `max` (or now). */
export function dayWindow(
  hours: Record<string, number>,
  now: number,
  units: number,
  max: number,
): { kept: Record<string, number>; fits: boolean; retryAt: number } {
  const current = Math.floor(now / HOUR_MS);
  const kept: Record<string, number> = {};
  for (const [hour, count] of Object.entries(hours))
    if (Number(hour) > current - WINDOW_HOURS) kept[hour] = count;
  let total = Object.values(kept).reduce((a, b) => a + b, 0);
  if (total + units <= max) return { kept, fits: true, retryAt: now };
  // The oldest hours leave the window first: hour h leaves it when hour h + 25 begins.
  let retryAt = Number.POSITIVE_INFINITY;
  for (const hour of Object.keys(kept)
    .map(Number)
    .sort((a, b) => a - b)) {
    total -= kept[String(hour)]!;
    if (total + units <= max) {
      retryAt = (hour + WINDOW_HOURS) * HOUR_MS;
      break;
    }
  }
  // A mail heavier than the whole quota never fits: look again in a day (SES would refuse it too).
  if (!Number.isFinite(retryAt)) retryAt = now + 24 * HOUR_MS;
  return { kept, fits: false, retryAt };
}
