import type { SuppressionStore } from './port';

/** SuppressionStore in a Map, for use-case tests; same behaviour as DynamoSuppressionStore. */
export class InMemorySuppressionStore implements SuppressionStore {
  private readonly entries = new Map<string, { reason: string; at: string }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async suppressed(tenantId: string, emails: readonly string[]): Promise<Set<string>> {
    const lower = emails.map((e) => e.toLowerCase());
    return new Set(lower.filter((e) => this.entries.has(`${tenantId}#${e}`)));
  }

  async suppress(tenantId: string, email: string, reason: string): Promise<void> {
    this.entries.set(`${tenantId}#${email.toLowerCase()}`, { reason, at: this.now().toISOString() });
  }
}
