/** The per tenant-hour counters GET /v1/stats reads (docs/contract.md). `queued` is outbound's. */
export const EVENT_COUNTERS = [
  'sent',
  'delivered',
  'bounced',
  'complained',
  'opened',
  'clicked',
  'failed',
] as const;
export type EventCounter = (typeof EVENT_COUNTERS)[number];
/** What GET /v1/stats reports: `queued` is counted as mail is recorded (MessageStore.create / ensure). */
export const STAT_COUNTERS = ['queued', ...EVENT_COUNTERS] as const;
export type StatCounter = (typeof STAT_COUNTERS)[number];
export type CounterCounts = Partial<Record<StatCounter, number>>;

export interface CounterDelta {
  tenantId: string;
  /** The hour, UTC: `YYYY-MM-DDTHH`. */
  hour: string;
  counts: CounterCounts;
}

/**
 * Event counters per tenant and hour. Implementations: DynamoCounters (`@mailroom/core/aws`),
 * InMemoryCounters (`@mailroom/core/testing`).
 */
export interface Counters {
  /**
   * Adds each delta in one write per tenant-hour, at most once per `batchId`: a retried batch adds
   * nothing to the tenant-hours it already counted.
   */
  add(batchId: string, deltas: readonly CounterDelta[]): Promise<void>;
  get(tenantId: string, hour: string): Promise<CounterCounts>;
  /** The tenant's counted hours of one UTC day (`YYYY-MM-DD`), in order; hours with nothing counted are left out. */
  day(tenantId: string, day: string): Promise<{ hour: string; counts: CounterCounts }[]>;
}

/** Batch markers only need to outlive the retries of their batch (SQS keeps a message 14 days at most). */
export const COUNTED_BATCH_TTL_SECONDS = 15 * 24 * 3600;
