import { MailroomError } from '@mailroom/core';
import type { BudgetStore } from './budget-store';
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
 */
export interface SendBudget {
  /**
   * Reserves the send of a mail weighing `units` (default 1). Throws `SendBudgetExhaustedError` when no slot
   * is free within the wait bound, or the 24-hour quota is spent; nothing is then held.
   */
  reserve(units?: number): Promise<SendSlot>;
}

/** A reserved send: wait for it, then send at once. */
export interface SendSlot {
  /** Epoch ms the send is due. */
  readonly at: number;
  /**
   * Sleeps until the slot. A caller that wakes up too late for it (an event loop stall) would bunch up with
   * the sends of the following slots: it takes a new slot instead (a bounded number of times).
   */
  wait(): Promise<void>;
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
   * How late after its slot a send may still go out. A caller that wakes up later than this (an event
   * loop stall, a frozen container) would bunch up with the sends of the following slots; it leaves its
   * slot empty and takes a new one instead. Keep it under the margin the rate share leaves in each
   * second (1000 / share − 1000 ms: 52 ms at 95%). Default 25 ms.
   */
  lateToleranceMs?: number;
  /** Slots reserved per store write (see blocks above). Default max(1, ceil(rate / 100)). */
  blockSlots?: number;
  /** The provider's 24-hour quota in units (SES Max24HourSend); undefined: none. */
  max24HourSend?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_LATE_TOLERANCE_MS = 25;
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
  /** This container's unused part of its last block of slots: [next, end), epoch ms. */
  private block: { next: number; end: number } | undefined;
  /** Units of the 24-hour quota this container has counted but not used yet, in the hour they count for. */
  private dayPool = { hour: -1, units: 0 };
  /** Reservations made by this container, one at a time (see reserve). */
  private queue: Promise<unknown> = Promise.resolve();

  /** Slots this instance left empty because it woke up too late for them (see lateToleranceMs). */
  lateRetakes = 0;
  /** Store writes (blocks) this instance made, for the bench and the simulation. */
  blocks = 0;

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
    this.tolerance = options.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
    this.blockSlots = Math.max(1, Math.floor(options.blockSlots ?? Math.ceil(options.rate / 100)));
    this.quota = options.quota ?? options.rate;
  }

  /** Reserves and waits for the slot: `reserve(units)` then `wait()`. */
  async take(units = 1): Promise<void> {
    await (await this.reserve(units)).wait();
  }

  async reserve(units = 1): Promise<SendSlot> {
    if (!(units >= 1) || !Number.isInteger(units))
      throw new RangeError(`units must be a whole number ≥ 1, got ${units}`);
    // The records of a batch reserve one after another: concurrent callers in the same container would
    // only race each other's conditional writes on the one budget item, and most of them are served from
    // the block the first one reserved.
    const at = await this.serially(async () => {
      await this.takeDay(units);
      try {
        return await this.allocate(units, true);
      } catch (err) {
        this.giveBackDay(units);
        throw err;
      }
    });
    return this.slot(at, units);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private slot(first: number, units: number): SendSlot {
    let at = first;
    return {
      get at() {
        return at;
      },
      wait: async () => {
        for (let attempt = 1; ; attempt += 1) {
          const wait = at - this.now();
          if (wait > 0) await this.sleep(wait);
          // Bounded: a container too slow to ever make its slot still sends, late, rather than never.
          if (this.now() - at <= this.tolerance || attempt === MAX_LATE_RETAKES + 1) return;
          this.lateRetakes += 1;
          // Past the wait bound if need be: this mail already counts for the 24-hour quota and as an attempt.
          at = await this.serially(() => this.allocate(units, false));
        }
      },
    };
  }

  /** A slot for `units`: from this container's block when it has room, else from a new block. */
  private async allocate(units: number, bounded: boolean): Promise<number> {
    const lead = leadSlots(units, this.options.rate, this.quota) * this.intervalMs;
    const need = lead + units * this.intervalMs;
    const now = this.now();
    const limit = bounded ? now + this.options.maxWaitMs : Number.POSITIVE_INFINITY;
    const block = this.block;
    if (block) {
      const start = Math.max(block.next, now);
      if (start + need <= block.end + EPSILON && start + lead <= limit + EPSILON) {
        block.next = start + need;
        return start + lead;
      }
    }
    const size = Math.max(need, this.blockSlots * this.intervalMs);
    const got = await this.store.advance(this.key(), {
      sizeMs: size,
      now,
      maxAheadMs: bounded ? Math.max(0, this.options.maxWaitMs - lead) : Number.POSITIVE_INFINITY,
    });
    if ('busyUntil' in got) {
      throw new SendBudgetExhaustedError(
        `no send slot within ${this.options.maxWaitMs} ms at ${this.options.rate}/s for ${this.account}`,
        Math.max(1000, got.busyUntil - now - this.options.maxWaitMs),
        'rate',
      );
    }
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
    let got = await this.store.countDay(this.key(), { units: want, now, max });
    if ('retryAt' in got && want > units - pool.units)
      got = await this.store.countDay(this.key(), { units: units - pool.units, now, max });
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

  private key(): string {
    return this.account;
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
