import type { CounterCounts, CounterDelta, Counters, EventCounter } from './port';

/** Counters in a Map, for use-case tests; same behaviour as DynamoCounters. Counts its writes. */
export class InMemoryCounters implements Counters {
  private readonly counts = new Map<string, CounterCounts>();
  private readonly counted = new Set<string>();
  /** How many tenant-hour writes were made (a use case should make one per tenant-hour per batch). */
  writes = 0;

  async add(batchId: string, deltas: readonly CounterDelta[]): Promise<void> {
    for (const { tenantId, hour, counts } of deltas) {
      const key = `${tenantId}#${hour}`;
      if (this.counted.has(`${batchId}#${key}`)) continue;
      this.counted.add(`${batchId}#${key}`);
      this.writes += 1;
      const current = this.counts.get(key) ?? {};
      for (const [name, n] of Object.entries(counts) as [EventCounter, number][]) {
        current[name] = (current[name] ?? 0) + n;
      }
      this.counts.set(key, current);
    }
  }

  async get(tenantId: string, hour: string): Promise<CounterCounts> {
    return { ...this.counts.get(`${tenantId}#${hour}`) };
  }
}
