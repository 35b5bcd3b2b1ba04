import type { CounterCounts, CounterDelta, Counters, StatCounter } from './port';

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
      for (const [name, n] of Object.entries(counts) as [StatCounter, number][]) {
        current[name] = (current[name] ?? 0) + n;
      }
      this.counts.set(key, current);
    }
  }

  /** What MessageStore twins call as they record mail (`queued`), outside any batch. */
  bump(tenantId: string, hour: string, name: StatCounter): void {
    const key = `${tenantId}#${hour}`;
    const current = this.counts.get(key) ?? {};
    current[name] = (current[name] ?? 0) + 1;
    this.counts.set(key, current);
  }

  async get(tenantId: string, hour: string): Promise<CounterCounts> {
    return { ...this.counts.get(`${tenantId}#${hour}`) };
  }

  async day(tenantId: string, day: string): Promise<{ hour: string; counts: CounterCounts }[]> {
    const prefix = `${tenantId}#${day}T`;
    return [...this.counts.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, counts]) => ({ hour: key.slice(tenantId.length + 1), counts: { ...counts } }))
      .sort((a, b) => (a.hour < b.hour ? -1 : 1));
  }
}
