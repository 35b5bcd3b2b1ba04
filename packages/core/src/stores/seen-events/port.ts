/**
 * Provider event ids already taken in hand, so that a redelivered event is applied once (docs/events.md,
 * "The fold"). Each id is claimed by one batch (a lake object); the same batch may claim it again, which
 * is what lets a failed batch be retried whole. Implementations: DynamoSeenEvents (`@mailroom/core/aws`),
 * InMemorySeenEvents (`@mailroom/core/testing`).
 */
export interface SeenEvents {
  /**
   * Claims every id for `batchId` and returns those this batch now holds: ids nobody had claimed, and
   * ids this same batch claimed before. Ids another batch holds are left out (duplicates).
   */
  claim(eventIds: readonly string[], batchId: string): Promise<Set<string>>;
}

/** Longer than any provider retries an event: SendGrid for 72 hours, SES through Firehose for a day. */
export const SEEN_EVENT_TTL_SECONDS = 7 * 24 * 3600;
