import { MailroomError } from '@mailroom/core';
import type { BudgetStore, Hold } from './budget-store';
import { DynamoBudgetStore } from './budget-dynamo';

/**
 * The provider's quotas, shared by every concurrent `send` invocation: a per-second rate and, for SES, a
 * 24-hour maximum, both counted in the provider's units — recipients for SES ("a message sent to 50
 * recipients counts as 50 against your quotas",
 * https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html), requests for SendGrid.
 *
 * Per second: a GCRA (generic cell rate algorithm, a leaky bucket kept as one timestamp). The store holds
 * the "theoretical arrival time" `tat` of the next free slot; a mail of `units` takes `units` slots, moving
 * `tat` by `units · interval` (interval = 1000 / rate ms), so sends are spaced by what they weigh.
 *
 * Blocks: a container reserves `blockSlots` slots (or more, for a heavy mail) with one conditional write and
 * hands them out locally, so the store's write rate is the send rate / blockSlots. Slots of a block that
 * nobody in the container uses in time stay empty: that costs throughput, never the quota. The default
 * (rate / 100, at least 1) keeps the writes at 10% of the send rate at most; bench/README.md has the
 * arithmetic at 1,000/s.
 *
 * 24 hours: a counter of units per clock hour (budget-store.ts), read in blocks as well; when it is spent
 * the caller learns when units come free again, and the record waits that long on the queue.
 *
 * Late sends. The provider counts a second behind every request it reads; evenly spaced slots at a share
 * of the quota leave each second a margin (1000 / share − 1000 ms: 52 ms at 0.95, 20 ms at 0.98). A send
 * that leaves more than that after its slot (an event loop stall, a container the scheduler left waiting)
 * lands in the same second as the send a quota's worth of slots after it, which is then throttled. Leaving
 * the slot empty and taking a new one, as this budget does by default, costs a slot per late send — 10% of
 * the throughput on a busy machine. With holds on, the late send goes instead, and holds back the sends of
 * the second after it: a send due at `due` that leaves at `left` > due + tolerance records a hold — sends due in
 * [due + 1000, left + 1000 + tolerance) leave at its end — so every second behind a send holds what it held
 * when the late one went (the tolerance covers lateness after the check, which the budget cannot see).
 * Nothing is lost: the sends a stall bunched are bunched once more a second later (then later than their
 * slot themselves, they hold the second after, by a margin less each time). Holds are items of their own
 * (budget-store.ts), written once per stall and container; containers read them 100 ms before a slot, at
 * most once per 100 ms each, which reaches the sends of the next second for a send up to maxLateMs late.
 * Holds are off by default (MAILROOM_RATE_MAX_LATE_MS turns them on): on a virtual clock they keep the
 * throughput a stalled event loop costs retakes, with no throttle (test/unit/budget-simulation.test.ts),
 * but in `pnpm bench rate-limit` on a machine loaded by other work they let up to 6 requests a run be
 * throttled where retakes let none (bench/README.md); until that is understood, a slot lost is the
 * safer failure.
 *
 * Giving way. The budget is first come, first served: a tenant's mail that reaches it in a bunch (records
 * that surfaced together, or a stall that held several back) books the account's next slots in one go,
 * and the mail of a tenant that sends one mail now and then waits behind all of them. A mail given
 * `yieldUntil` (tenant-share.ts: its tenant has a backlog) takes only a slot that is free at once; while the
 * account is booked ahead, it sleeps until then and asks again, so a mail that asks meanwhile without
 * giving way goes first. The bunch still goes out at the account's pace, in the slots nobody else wants;
 * after `yieldUntil` it reserves as any other mail. A refusal costs the store one request
 * (budget-dynamo.ts), and none while this container already knows the account is booked ahead
 * (`seenEnd`).
 */
export interface SendBudget {
  /**
   * Reserves the send of a mail weighing `units` (default 1). Throws `SendBudgetExhaustedError` when no slot
   * is free within the wait bound, or the 24-hour quota is spent; nothing is then held.
   */
  reserve(units?: number, options?: ReserveOptions): Promise<SendSlot>;
}

export interface ReserveOptions {
  /**
   * Until this epoch ms the mail gives way: it takes only a slot that is free at once, and while the
   * account is booked ahead it waits for it to come free, so the mail of others goes first (see "Giving
   * way"). After it, it reserves as any other mail.
   */
  yieldUntil?: number;
}

/** A reserved send: wait for it, then send at once. */
export interface SendSlot {
  /** Epoch ms the send is due. */
  readonly at: number;
  /**
   * Sleeps until the slot (or the end of a hold it falls in). A caller that wakes up far too late for it
   * (over maxLateMs) takes a new slot instead, a bounded number of times.
   */
  wait(): Promise<void>;
  /**
   * Call as the request leaves, as close to the socket as the provider client allows (the SES client's last
   * middleware): with holds on, a send that leaves late holds the second after it (see "Late sends"). Any
   * stall before this call is seen; only what happens after it is the tolerance's to cover.
   */
  leaving(): void;
}

/** No send slot soon enough, or the 24-hour quota spent: the record waits on the queue instead. */
export class SendBudgetExhaustedError extends MailroomError {
  readonly code = 'PROVIDER.RATE_BUDGET';
  readonly retryable = true;
  readonly httpStatus = 503;
  constructor(
    message: string,
    /** How long until the budget can have room again (the record's wait on the queue). */
    readonly retryAfterMs: number,
    /** `rate`: the per-second budget is booked out past the wait bound; `day`: the 24-hour quota is spent. */
    readonly quota: 'rate' | 'day',
  ) {
    super(message);
  }
}

export interface BudgetOptions {
  /** Units per second this budget hands out (the provider's quota × the share, MAILROOM_SEND_RATE_SHARE). */
  rate: number;
  /**
   * The provider's own per-second quota in units (default: `rate`). A mail of n units lands n at one instant,
   * so one that weighs more than the share's headroom waits a lead of empty slots first (leadSlots).
   */
  quota?: number;
  /** The longest a caller waits for a slot before giving the record back to the queue. */
  maxWaitMs: number;
  /**
   * How late after its slot a send may go out as if on time. Later than this (an event loop stall, a
   * frozen container), it takes a new slot — or, with holds on, goes and holds the second after it (see
   * "Late sends"). Default: half the margin the rate share leaves in each second (1000 / share − 1000 ms),
   * at most 25 ms.
   */
  lateToleranceMs?: number;
  /**
   * Holds: set above the tolerance (HOLDS_MAX_LATE_MS, 400), a send up to this late goes and holds the
   * second after it; later, it takes a new slot. A hold must reach the send a quota's worth of slots later
   * before it leaves (about a second later, read 100–200 ms before it). Default: the tolerance (holds off).
   */
  maxLateMs?: number;
  /** Slots reserved per store write (see blocks above). Default max(1, ceil(rate / 100)). */
  blockSlots?: number;
  /** The provider's 24-hour quota in units (SES Max24HourSend); undefined: none. */
  max24HourSend?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_LATE_TOLERANCE_MS = 25;
/** Later than this, a send takes a new slot instead of holding the second after it (see "Late sends"). */
/** A maxLateMs that turns holds on with room for them to reach the next second (see "Late sends"). */
export const HOLDS_MAX_LATE_MS = 400;
/** How long before its slot a caller looks at the holds, and how old a look it trusts. */
const REFRESH_AHEAD_MS = 100;
const REFRESH_EVERY_MS = 100;
/** Float slack for the start of a hold (slot times are sums of fractional intervals). */
const HOLD_FROM_MS = 0.5;
const MAX_LATE_RETAKES = 3;
const HOUR_MS = 3_600_000;
/** Float slack when comparing slot times built from fractional intervals. */
const EPSILON = 1e-6;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Empty slots a mail of `units` waits before it goes, so that no one-second window of the provider (a
 * strict sliding window: at most `quota` units in any 1000 ms, as the SES stand-in counts) sees more.
 * Every send reserves its lead and its units as one run of slots and goes at the end of the lead; the runs
 * of the sends in the second before it lie in that second, before the lead, so they hold at most
 * ceil(rate) − 1 − lead units (the window is open at its start). Adding `units` stays within `quota` when
 * lead ≥ units − 1 − (quota − ceil(rate)). A one-recipient mail never waits a lead; a 50-recipient mail at
 * an SES quota of 14/s waits 49 empty slots, as if it had sent to 99 (the price of landing 50 at once).
 */
export function leadSlots(units: number, rate: number, quota: number): number {
  const headroom = Math.max(0, Math.floor(quota + EPSILON) - Math.ceil(rate - EPSILON));
  return Math.max(0, units - 1 - headroom);
}

/** A shared send budget over any store (DynamoDB in the wiring, in memory in tests and simulations). */
export class SharedSendBudget implements SendBudget {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tolerance: number;
  private readonly blockSlots: number;
  private readonly quota: number;
  private readonly margin: number;
  private readonly maxLateMs: number;
  private readonly holdsOn: boolean;
  /** This container's unused part of its last block of slots: [next, end), epoch ms. */
  private block: { next: number; end: number } | undefined;
  /** Units of the 24-hour quota this container has counted but not used yet, in the hour they count for. */
  private dayPool = { hour: -1, units: 0 };
  /** Reservations made by this container, one at a time (see reserve). */
  private queue: Promise<unknown> = Promise.resolve();

  /** Slots this instance left empty because it woke up far too late for them (over maxLateMs). */
  lateRetakes = 0;
  /** Sends this instance let leave late, holding the second after them (see "Late sends"). */
  lateHolds = 0;
  /** Sends this instance held back for a late one. */
  heldSends = 0;
  /** The store writes of holds still under way (tests wait for them). */
  pending: Promise<void> = Promise.resolve();
  /** The account's holds as this container last saw them (its own included), and when it looked. */
  private holdsSeen: Hold[] = [];
  private holdsSeenAt = Number.NEGATIVE_INFINITY;
  /** Store writes (blocks) this instance made, for the bench and the simulation. */
  blocks = 0;
  /** Times a mail of this instance gave way to others' (see "Giving way"). */
  gaveWay = 0;
  /** The end of the account's booked time as this container last saw it (a store answer or its own block). */
  private seenEnd = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: BudgetStore,
    /** One budget per provider account, e.g. `ses#us-east-1` or `sendgrid#default`. */
    private readonly account: string,
    private readonly options: BudgetOptions,
  ) {
    if (!(options.rate > 0)) throw new RangeError(`send rate must be positive, got ${options.rate}`);
    this.intervalMs = 1000 / options.rate;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.quota = options.quota ?? options.rate;
    // The margin a quota's worth of slots leaves in a second (1000 / share − 1000 ms); half of it for
    // lateness the budget cannot see (after the check), half for lateness it lets pass without a hold.
    this.margin = (1000 * this.quota) / options.rate - 1000;
    this.tolerance = options.lateToleranceMs ?? Math.min(DEFAULT_LATE_TOLERANCE_MS, this.margin / 2);
    // Holds are off unless maxLateMs is set above the tolerance (see "Late sends").
    this.maxLateMs = Math.max(this.tolerance, options.maxLateMs ?? this.tolerance);
    this.holdsOn = this.maxLateMs > this.tolerance;
    this.blockSlots = Math.max(1, Math.floor(options.blockSlots ?? Math.ceil(options.rate / 100)));
  }

  /** Reserves and waits for the slot: `reserve(units)` then `wait()`. */
  async take(units = 1): Promise<void> {
    await (await this.reserve(units)).wait();
  }

  async reserve(units = 1, { yieldUntil }: ReserveOptions = {}): Promise<SendSlot> {
    if (!(units >= 1) || !Number.isInteger(units))
      throw new RangeError(`units must be a whole number ≥ 1, got ${units}`);
    for (;;) {
      const giving = yieldUntil !== undefined && this.now() < yieldUntil;
      // The records of a batch reserve one after another: concurrent callers in the same container would
      // only race each other's conditional writes on the one budget item, and most of them are served from
      // the block the first one reserved.
      const got = await this.serially(async () => {
        await this.takeDay(units);
        try {
          const at = await this.allocate(units, giving ? 0 : this.options.maxWaitMs);
          if (typeof at !== 'number') this.giveBackDay(units);
          return at;
        } catch (err) {
          this.giveBackDay(units);
          throw err;
        }
      });
      if (typeof got === 'number') return this.slot(got, units);
      if (!giving) throw this.exhausted(got.busyUntil);
      // Giving way: wait for the account to come free (a slot nobody else took then is this mail's).
      this.gaveWay += 1;
      await this.sleep(Math.max(1, Math.min(got.busyUntil, yieldUntil) - this.now()));
    }
  }

  private exhausted(busyUntil: number): SendBudgetExhaustedError {
    return new SendBudgetExhaustedError(
      `no send slot within ${this.options.maxWaitMs} ms at ${this.options.rate}/s for ${this.account}`,
      Math.max(1000, busyUntil - this.now() - this.options.maxWaitMs),
      'rate',
    );
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private slot(first: number, units: number): SendSlot {
    let due = first;
    let leaveAt = first;
    return {
      get at() {
        return leaveAt;
      },
      wait: async () => {
        for (let attempt = 1; ; attempt += 1) {
          // Look at the holds shortly before the slot: a send that left late a second ago may hold it.
          const early = due - this.now() - REFRESH_AHEAD_MS;
          if (early > 0) await this.sleep(early);
          if (this.holdsOn && this.now() - this.holdsSeenAt > REFRESH_EVERY_MS) await this.refreshHolds();
          // Again after a wake-up if a send of this container added a hold meanwhile that moves it on.
          for (let target = this.heldUntil(due), slept = Number.NEGATIVE_INFINITY; target > slept;) {
            leaveAt = target;
            const wait = target - this.now();
            if (wait > 0) await this.sleep(wait);
            slept = target;
            target = this.heldUntil(due);
          }
          if (leaveAt > due + EPSILON) this.heldSends += 1;
          // Bounded: a container too slow to ever make its slot still sends, late, rather than never.
          if (this.now() - leaveAt <= this.maxLateMs || attempt === MAX_LATE_RETAKES + 1) return;
          this.lateRetakes += 1;
          // Past the wait bound if need be: this mail already counts for the 24-hour quota and as an attempt.
          const retaken = await this.serially(() => this.allocate(units, Number.POSITIVE_INFINITY));
          if (typeof retaken !== 'number') throw this.exhausted(retaken.busyUntil); // never when unbounded
          due = retaken;
        }
      },
      leaving: () => {
        if (!this.holdsOn) return;
        const left = this.now();
        if (left - due <= this.tolerance) return;
        // `from` just after due + 1000: the send exactly a second later has the late one in its second on
        // time too (the provider's second is open at its start).
        this.hold({ from: due + 1000 + HOLD_FROM_MS, until: left + 1000 + this.tolerance });
      },
    };
  }

  /** When a send due at `due` may leave: the end of the holds it falls in (one hold's end may fall in another). */
  private heldUntil(due: number): number {
    let at = due;
    for (let moved = true; moved;) {
      moved = false;
      for (const h of this.holdsSeen) {
        if (h.from <= due && at < h.until) {
          at = h.until;
          moved = true;
        }
      }
    }
    return at;
  }

  /** Records a hold, here at once and in the store in the background, unless a known one covers it. */
  private hold(hold: Hold): void {
    if (this.holdsSeen.some((h) => h.from <= hold.from && h.until >= hold.until)) return;
    this.lateHolds += 1;
    this.holdsSeen.push(hold);
    const written = this.store.addHold(this.account, hold).catch(() => undefined); // see "Late sends"
    this.pending = Promise.all([this.pending, written]).then(() => undefined);
  }

  private async refreshHolds(): Promise<void> {
    const at = this.now();
    const found = await this.store.holds(this.account, at);
    // Keep this container's own holds whose write may not have landed yet.
    const own = this.holdsSeen.filter(
      (mine) => mine.until > at && !found.some((h) => h.from === mine.from && h.until === mine.until),
    );
    this.holdsSeen = [...found, ...own];
    this.holdsSeenAt = at;
  }

  /**
   * A slot for `units` at most `maxWaitMs` away: from this container's block when it has room, else from a
   * new block; `busyUntil` when the account is booked past that (nothing is reserved then).
   */
  private async allocate(units: number, maxWaitMs: number): Promise<number | { busyUntil: number }> {
    const lead = leadSlots(units, this.options.rate, this.quota) * this.intervalMs;
    const need = lead + units * this.intervalMs;
    const now = this.now();
    const limit = now + maxWaitMs;
    const giving = maxWaitMs === 0;
    const block = this.block;
    if (block) {
      const start = Math.max(block.next, now);
      if (start + need <= block.end + EPSILON) {
        if (start + lead <= limit + EPSILON) {
          block.next = start + need;
          return start + lead;
        }
        if (giving) return { busyUntil: start };
      }
    }
    // A mail giving way asks the store only when the account may be free: its booked time never moves
    // back, so booked past now as this container last saw it, it still is (no write spent on a refusal).
    if (giving && this.seenEnd > now + EPSILON) return { busyUntil: this.seenEnd };
    const size = Math.max(need, this.blockSlots * this.intervalMs);
    const got = await this.store.advance(this.account, {
      sizeMs: size,
      now,
      maxAheadMs: Math.max(0, maxWaitMs - lead),
    });
    if ('busyUntil' in got) {
      this.seenEnd = Math.max(this.seenEnd, got.busyUntil);
      return got;
    }
    this.seenEnd = Math.max(this.seenEnd, got.from + size);
    this.blocks += 1;
    // A new block right after the old one continues it: the old one's unused slots are not lost.
    const contiguous = block !== undefined && Math.abs(got.from - block.end) < EPSILON;
    const start = contiguous ? Math.max(block.next, now) : got.from;
    this.block = { next: start + need, end: got.from + size };
    return start + lead;
  }

  private async takeDay(units: number): Promise<void> {
    const max = this.options.max24HourSend;
    if (max === undefined) return;
    const now = this.now();
    const hour = Math.floor(now / HOUR_MS);
    const pool = this.dayPool;
    // Units counted in an earlier hour leave the store's window an hour earlier than a send now leaves
    // SES's: they are not used after their hour.
    if (pool.hour !== hour) Object.assign(pool, { hour, units: 0 });
    if (pool.units >= units) {
      pool.units -= units;
      return;
    }
    // A block of about a second's worth of sends, at most 1% of the day: what a container that stops
    // takes with it is lost for the day, never sent over the quota.
    const want = Math.max(units - pool.units, Math.min(Math.ceil(this.options.rate), Math.floor(max / 100)));
    let got = await this.store.countDay(this.account, { units: want, now, max });
    if ('retryAt' in got && want > units - pool.units)
      got = await this.store.countDay(this.account, { units: units - pool.units, now, max });
    if ('retryAt' in got) {
      throw new SendBudgetExhaustedError(
        `the 24-hour quota of ${max} for ${this.account} is spent`,
        Math.max(1000, got.retryAt - now),
        'day',
      );
    }
    this.blocks += 1;
    pool.units += got.units - units;
  }

  private giveBackDay(units: number): void {
    if (this.options.max24HourSend === undefined) return;
    if (this.dayPool.hour === Math.floor(this.now() / HOUR_MS)) this.dayPool.units += units;
  }
}

/** The shared send budget on the messages table (items in docs/design-notes.md). */
export class DynamoSendBudget extends SharedSendBudget {
  constructor(
    doc: ConstructorParameters<typeof DynamoBudgetStore>[0],
    tableName: string,
    account: string,
    options: BudgetOptions,
  ) {
    super(new DynamoBudgetStore(doc, tableName), account, options);
  }
}
