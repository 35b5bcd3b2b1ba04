import type { SeenEvents } from './port';

/** SeenEvents in a Map, for use-case tests; same behaviour as DynamoSeenEvents. */
export class InMemorySeenEvents implements SeenEvents {
  private readonly claims = new Map<string, string>();

  async claim(eventIds: readonly string[], batchId: string): Promise<Set<string>> {
    const held = new Set<string>();
    for (const id of eventIds) {
      const owner = this.claims.get(id) ?? batchId;
      this.claims.set(id, owner);
      if (owner === batchId) held.add(id);
    }
    return held;
  }
}
