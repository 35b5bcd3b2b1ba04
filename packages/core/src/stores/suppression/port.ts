/**
 * A tenant's suppression list: addresses Mailroom must not send to (hard bounces, complaints, manual
 * entries). The send function reads it; the events service writes it. Addresses are compared
 * lower-cased. Implementations: DynamoSuppressionStore (`@mailroom/core/aws`) and
 * InMemorySuppressionStore (`@mailroom/core/testing`).
 */
export interface SuppressionStore {
  /** Which of these addresses the tenant's list holds (lower-cased). */
  suppressed(tenantId: string, emails: readonly string[]): Promise<Set<string>>;
  /** Adds (or refreshes) an address with the reason, e.g. `bounce` or `complaint`. */
  suppress(tenantId: string, email: string, reason: string): Promise<void>;
}
