import type { InboundRoute, NewRoute } from './port';

export const newRoute = (route: NewRoute, now: Date): InboundRoute => ({
  pattern: route.pattern,
  tenantId: route.tenantId,
  destination: route.destination,
  rejectOn: [...(route.rejectOn ?? [])],
  createdAt: now.toISOString(),
});

/** A stored item (or a twin's copy) as the port's type, nothing else carried along. */
export const toRoute = (item: Record<string, unknown>): InboundRoute => ({
  pattern: String(item.pattern),
  tenantId: String(item.tenantId),
  destination: item.destination as InboundRoute['destination'],
  rejectOn: Array.isArray(item.rejectOn) ? (item.rejectOn as InboundRoute['rejectOn']) : [],
  createdAt: String(item.createdAt ?? ''),
});
