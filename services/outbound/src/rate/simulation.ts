import { HOLDS_MAX_LATE_MS, SharedSendBudget, type BudgetOptions } from './budget';
import { InMemoryBudgetStore } from './budget-memory';
import type { BudgetStore } from './budget-store';

/**
 * The shared send budget at scale, on a virtual clock: N containers (each its own SharedSendBudget, as
 * Lambda containers are) send through one in-memory budget store whose writes take a modelled network
 * time, against a provider that counts units in a strict sliding one-second window (as the SES stand-in
 * does). Nothing sleeps for real, so a run of minutes at 1,000/s takes seconds and always comes out the
 * same for the same seed. Used by test/unit/budget-simulation.test.ts and `pnpm bench budget-scale`.
 */
export interface SimulationOptions {
  /** The provider's per-second quota, in units. */
  quota: number;
  /** The share of it the budget hands out (MAILROOM_SEND_RATE_SHARE). */
  share: number;
  containers: number;
  /** Records each container works on at once (the SQS batch). */
  batch: number;
  /** Virtual seconds measured. */
  seconds: number;
  /** Units of each mail (recipients): drawn per mail. Default 1. */
  units?: (random: () => number) => number;
  /** Slots per store write (unset: the budget's default, rate / 100). */
  blockSlots?: number;
  /** The 24-hour quota, if any. */
  max24HourSend?: number;
  /** One store request's round trip, ms (DynamoDB: single-digit ms). Default 5. */
  storeLatencyMs?: number;
  /** The time from a send leaving to the provider reading it: a fixed part plus up to `jitterMs` more. */
  providerLatencyMs?: number;
  jitterMs?: number;
  /** Work per record before it asks the budget, ms (the use case's reads and writes). Default 15. */
  workMs?: number;
  /** BudgetOptions.maxLateMs; default HOLDS_MAX_LATE_MS (holds on); 0: every late send takes a new slot. */
  maxLateMs?: number;
  /** Process-wide stalls of up to `maxMs`, one every `everyMs` on average (VirtualClock). */
  stalls?: { everyMs: number; maxMs: number };
  seed?: number;
}

export interface SimulationResult {
  /** Units the provider accepted per second over the measured time, and as a share of the quota. */
  unitsPerSecond: number;
  ratio: number;
  mails: number;
  /** Store writes per second (per-second budget and 24-hour counter together) and per sent unit. */
  writesPerSecond: number;
  /** Reads of the holds per second (every container, at most one per 100 ms each). */
  readsPerSecond: number;
  writesPerUnit: number;
  /** The most units the provider saw in any one-second window, and the requests it would have throttled. */
  maxUnitsInAnySecond: number;
  throttled: number;
  lateRetakes: number;
  lateHolds: number;
  heldSends: number;
  budgetWaits: number;
}

/** mulberry32: a small seeded PRNG, so a run is the same every time. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A clock that moves only when every task is waiting: to the earliest timer. With `stalls`, the whole
 * process stalls now and then (as an event loop does under GC or a busy CPU): a timer due during a stall
 * fires at its end.
 */
export class VirtualClock {
  now = 0;
  private stallEnd = Number.NEGATIVE_INFINITY;
  private nextStall = Number.POSITIVE_INFINITY;

  constructor(private readonly stalls?: { everyMs: number; maxMs: number; random: () => number }) {}

  /** When a timer due `at` really fires. */
  private firesAt(at: number): number {
    const stalls = this.stalls;
    if (!stalls) return at;
    if (!Number.isFinite(this.nextStall)) this.nextStall = this.now + stalls.everyMs * 2 * stalls.random();
    while (at >= this.nextStall) {
      const start = this.nextStall;
      this.stallEnd = start + stalls.maxMs * stalls.random();
      this.nextStall = this.stallEnd + stalls.everyMs * 2 * stalls.random();
      if (at < this.stallEnd) return this.stallEnd;
    }
    return at < this.stallEnd ? this.stallEnd : at;
  }
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;

  sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = { at: this.now + Math.max(0, ms), seq: (this.seq += 1), resolve };
      // Sorted insert (few timers are pending at once: one or two per record in flight).
      let i = this.timers.length;
      while (i > 0 && this.later(this.timers[i - 1]!, timer)) i -= 1;
      this.timers.splice(i, 0, timer);
    });

  private later(a: { at: number; seq: number }, b: { at: number; seq: number }) {
    return a.at > b.at || (a.at === b.at && a.seq > b.seq);
  }

  /** Runs until `until` (virtual ms): lets every task run as far as it can, then fires the earliest timer. */
  async run(until: number): Promise<void> {
    for (;;) {
      // setImmediate runs after every pending promise job: all tasks have run up to their next sleep.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.timers[0];
      if (!next || next.at > until) return;
      this.timers.shift();
      this.now = Math.max(this.now, this.firesAt(next.at));
      next.resolve();
    }
  }
}

/** The in-memory store, each request taking a network round trip on the virtual clock. */
class SlowStore implements BudgetStore {
  writes = 0;
  reads = 0;
  constructor(
    private readonly inner: InMemoryBudgetStore,
    private readonly clock: VirtualClock,
    private readonly latencyMs: number,
    private readonly random: () => number,
  ) {}

  /** Half the round trip to the store, the request applied there, half back; ±20% either way. */
  private async trip<T>(apply: () => Promise<T>): Promise<T> {
    await this.clock.sleep((this.latencyMs / 2) * (0.8 + 0.4 * this.random()));
    const result = await apply();
    await this.clock.sleep((this.latencyMs / 2) * (0.8 + 0.4 * this.random()));
    return result;
  }

  advance(...args: Parameters<BudgetStore['advance']>) {
    return this.trip(async () => {
      // The caller's `now`, as DynamoDB gets it in the request (the condition is checked against it).
      const result = await this.inner.advance(...args);
      if ('from' in result) this.writes += 1;
      return result;
    });
  }

  holds(account: string, now: number) {
    this.reads += 1;
    return this.trip(() => this.inner.holds(account, now));
  }

  addHold(...args: Parameters<BudgetStore['addHold']>) {
    return this.trip(async () => {
      this.writes += 1;
      return this.inner.addHold(...args);
    });
  }

  countDay(...args: Parameters<BudgetStore['countDay']>) {
    return this.trip(async () => {
      const result = await this.inner.countDay(args[0], args[1]);
      if ('units' in result) this.writes += 1;
      return result;
    });
  }
}

export async function simulateBudget(options: SimulationOptions): Promise<SimulationResult> {
  const random = seeded(options.seed ?? 1);
  const stallRandom = seeded((options.seed ?? 1) + 1);
  const clock = new VirtualClock(options.stalls && { ...options.stalls, random: stallRandom });
  clock.now = 1_000_000;
  const store = new SlowStore(new InMemoryBudgetStore(), clock, options.storeLatencyMs ?? 5, random);
  const budgetOptions: BudgetOptions = {
    rate: options.quota * options.share,
    quota: options.quota,
    maxWaitMs: 10_000,
    now: () => clock.now,
    sleep: clock.sleep,
    ...(options.blockSlots !== undefined && { blockSlots: options.blockSlots }),
    // Holds on unless the run says otherwise (they are off by default in the service).
    maxLateMs: options.maxLateMs ?? HOLDS_MAX_LATE_MS,
    ...(options.max24HourSend !== undefined && { max24HourSend: options.max24HourSend }),
  };
  const budgets = Array.from(
    { length: options.containers },
    () => new SharedSendBudget(store, 'ses#sim', budgetOptions),
  );
  const units = options.units ?? (() => 1);
  const arrivals: Array<{ at: number; units: number }> = [];
  const start = clock.now;
  const end = start + options.seconds * 1000;
  let budgetWaits = 0;
  let mails = 0;

  const sendOne = async (budget: SharedSendBudget) => {
    await clock.sleep((options.workMs ?? 15) * (0.5 + random()));
    const n = units(random);
    let slot;
    try {
      slot = await budget.reserve(n);
    } catch {
      budgetWaits += 1; // back to the queue (send/budget-wait.ts); the record comes again later
      return;
    }
    await clock.sleep(Math.max(0, (options.workMs ?? 15) / 3)); // the attempt's own writes, overlapping the wait
    await slot.wait();
    // The SDK's way from the wake-up to the socket; it reports the departure (the SES client's last middleware).
    await clock.sleep(0.5);
    slot.leaving();
    const sentAt = clock.now;
    // The provider runs elsewhere: our stalls do not delay its reading, only the network does.
    const latency = (options.providerLatencyMs ?? 20) + (options.jitterMs ?? 2) * random();
    if (sentAt < end) {
      arrivals.push({ at: sentAt + latency, units: n });
      mails += 1;
    }
    await clock.sleep(latency);
  };
  const container = async (budget: SharedSendBudget) => {
    while (clock.now < end) await Promise.all(Array.from({ length: options.batch }, () => sendOne(budget)));
  };
  const running = Promise.all(budgets.map(container));
  await clock.run(end + 60_000);
  await running;

  // The provider's view: a strict sliding window of one second over arrival times (the SES stand-in's rule).
  arrivals.sort((a, b) => a.at - b.at);
  let windowStart = 0;
  let inWindow = 0;
  let maxUnits = 0;
  let throttled = 0;
  for (const arrival of arrivals) {
    while (arrival.at - arrivals[windowStart]!.at >= 1000) inWindow -= arrivals[windowStart++]!.units;
    if (inWindow > 0 && inWindow + arrival.units > options.quota) throttled += 1;
    inWindow += arrival.units;
    maxUnits = Math.max(maxUnits, inWindow);
  }
  const measured = arrivals.filter((a) => a.at >= start + 1000 && a.at < end);
  const seconds = options.seconds - 1; // the first second is the ramp-up
  const unitsPerSecond = measured.reduce((sum, a) => sum + a.units, 0) / seconds;
  return {
    unitsPerSecond,
    ratio: unitsPerSecond / options.quota,
    mails,
    writesPerSecond: store.writes / options.seconds,
    readsPerSecond: store.reads / options.seconds,
    writesPerUnit: store.writes / arrivals.reduce((sum, a) => sum + a.units, 0),
    maxUnitsInAnySecond: maxUnits,
    throttled,
    lateRetakes: budgets.reduce((n, b) => n + b.lateRetakes, 0),
    lateHolds: budgets.reduce((n, b) => n + b.lateHolds, 0),
    heldSends: budgets.reduce((n, b) => n + b.heldSends, 0),
    budgetWaits,
  };
}
