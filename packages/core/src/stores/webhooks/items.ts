import {
  DISABLE_AFTER_FAILURES,
  DISABLE_AFTER_HOURS,
  type NewWebhookEndpoint,
  type WebhookEndpoint,
} from './port';

/**
 * Tenants table layout (docs/status-webhooks.md): a partition per tenant, `pk = WEBHOOK#<tenant>`, with
 * one item per endpoint (`sk = EP#<id>`, ids are ULIDs so the sort key is creation order) and a counter
 * (`sk = COUNT`, attribute `n`) that enforces the limit inside the create transaction. The prefix keeps
 * these apart from tenant, key and domain items, and lets IAM fence writers to it (dynamodb:LeadingKeys).
 */
export const webhookPk = (tenantId: string) => `WEBHOOK#${tenantId}`;
export const ENDPOINT_SK_PREFIX = 'EP#';
export const endpointKey = (tenantId: string, id: string) => ({
  pk: webhookPk(tenantId),
  sk: `${ENDPOINT_SK_PREFIX}${id}`,
});
export const countKey = (tenantId: string) => ({ pk: webhookPk(tenantId), sk: 'COUNT' });

export const newEndpoint = (endpoint: NewWebhookEndpoint, now: Date): WebhookEndpoint => ({
  id: endpoint.id,
  tenantId: endpoint.tenantId,
  url: endpoint.url,
  events: [...endpoint.events],
  secretParameter: endpoint.secretParameter,
  status: 'active',
  failures: 0,
  createdAt: now.toISOString(),
});

/** A stored item (or a twin's copy) as the port's type, keys and nothing else carried along. */
export const toEndpoint = (item: Record<string, unknown>): WebhookEndpoint => ({
  id: String(item.id),
  tenantId: String(item.tenantId),
  url: String(item.url),
  events: Array.isArray(item.events) ? ([...item.events] as WebhookEndpoint['events']) : [],
  secretParameter: String(item.secretParameter),
  status: item.status === 'disabled' ? 'disabled' : 'active',
  failures: Number(item.failures ?? 0),
  ...(typeof item.firstFailureAt === 'string' ? { firstFailureAt: item.firstFailureAt } : {}),
  ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
  createdAt: String(item.createdAt),
  ...(typeof item.disabledAt === 'string' ? { disabledAt: item.disabledAt } : {}),
});

/** Whether an endpoint with these failures is due to be disabled at `now`. */
export const failuresSustained = (failures: number, firstFailureAt: string | undefined, now: Date): boolean =>
  failures >= DISABLE_AFTER_FAILURES &&
  firstFailureAt !== undefined &&
  now.getTime() - Date.parse(firstFailureAt) >= DISABLE_AFTER_HOURS * 3_600_000;

/** The earliest first-failure time that counts as sustained at `now`. */
export const sustainedSince = (now: Date): string =>
  new Date(now.getTime() - DISABLE_AFTER_HOURS * 3_600_000).toISOString();

/** Failure reasons are kept short: they are shown back to the tenant. */
export const MAX_REASON_LENGTH = 300;
export const shortReason = (reason: string) => reason.slice(0, MAX_REASON_LENGTH);
