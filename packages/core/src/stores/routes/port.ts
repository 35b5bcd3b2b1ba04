import type { RouteDestination, VerdictName } from '../../schemas/route';

/** An inbound route: mail to `pattern` belongs to `tenantId` and goes to `destination`. */
export interface InboundRoute {
  /** Lower-cased `local@domain` or `*@domain` (RoutePatternSchema). */
  pattern: string;
  tenantId: string;
  destination: RouteDestination;
  /** Verdicts that make this route reject a mail when SES says FAIL; empty keeps everything. */
  rejectOn: VerdictName[];
  createdAt: string;
}

export type NewRoute = Omit<InboundRoute, 'createdAt' | 'rejectOn'> & { rejectOn?: VerdictName[] };

/**
 * The inbound routes, one per pattern. Patterns passed in must already be canonical (RoutePatternSchema).
 * Implementations: DynamoRouteStore (`@mailroom/core/aws`), InMemoryRouteStore (`@mailroom/core/testing`).
 */
export interface RouteStore {
  /** Creates or replaces the route of `route.pattern`. */
  put(route: NewRoute): Promise<InboundRoute>;
  /** The route of exactly this pattern, or null. */
  get(pattern: string): Promise<InboundRoute | null>;
  /** The route an envelope recipient belongs to: its exact address first, else `*@` its domain; else null. */
  resolve(address: string): Promise<InboundRoute | null>;
  /** Every route in pattern order (an operator's list: a few hundred at most). */
  list(): Promise<InboundRoute[]>;
  /** Removes the route; false when there was none. */
  remove(pattern: string): Promise<boolean>;
}
