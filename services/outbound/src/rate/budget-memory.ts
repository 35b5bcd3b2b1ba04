import { dayWindow, type BudgetStore, type Hold } from './budget-store';

/**
 * The budget store in memory: the twin of DynamoBudgetStore for tests and the simulation
 * (bench/budget-simulation.ts). Counts its writes, as DynamoDB would bill them.
 */
export class InMemoryBudgetStore implements BudgetStore {
  private readonly tats = new Map<string, number>();
  private readonly allHolds = new Map<string, Hold[]>();
  private readonly days = new Map<string, Record<string, number>>();
  /** Writes made (one per reserved block or counted day block), per account. */
  readonly writes = new Map<string, number>();
  /** Reads of the holds. */
  reads = 0;

  async advance(
    account: string,
    { sizeMs, now, maxAheadMs }: { sizeMs: number; now: number; maxAheadMs: number },
  ): Promise<{ from: number } | { busyUntil: number }> {
    const tat = this.tats.get(account) ?? 0;
    const from = Math.max(tat, now);
    if (from - now > maxAheadMs) return { busyUntil: tat };
    this.tats.set(account, from + sizeMs);
    this.wrote(account);
    return { from };
  }

  async holds(account: string, now: number): Promise<Hold[]> {
    this.reads += 1;
    const live = (this.allHolds.get(account) ?? []).filter((h) => h.until > now);
    this.allHolds.set(account, live);
    return live.map((h) => ({ ...h }));
  }

  async addHold(account: string, hold: Hold): Promise<void> {
    this.allHolds.set(account, [...(this.allHolds.get(account) ?? []), { ...hold }]);
    this.wrote(`${account}#hold`);
  }

  async countDay(
    account: string,
    { units, now, max }: { units: number; now: number; max: number },
  ): Promise<{ units: number } | { retryAt: number }> {
    const { kept, fits, retryAt } = dayWindow(this.days.get(account) ?? {}, now, units, max);
    if (!fits) return { retryAt };
    const hour = String(Math.floor(now / 3_600_000));
    kept[hour] = (kept[hour] ?? 0) + units;
    this.days.set(account, kept);
    this.wrote(`${account}#day`);
    return { units };
  }

  private wrote(key: string): void {
    this.writes.set(key, (this.writes.get(key) ?? 0) + 1);
  }
}
