import { MailroomError } from '../../errors';
import type { MessageStatus } from '../../schemas/common';

export type WebhookEndpointStatus = 'active' | 'disabled';

/** A tenant's status webhook (`POST /v1/webhooks`). The signing secret lives in Parameter Store, never here. */
export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  url: string;
  /** The message statuses posted to it. */
  events: MessageStatus[];
  /** The SecureString parameter holding the signing secret. */
  secretParameter: string;
  status: WebhookEndpointStatus;
  /** Consecutive failed deliveries (each after its retries); a success resets it. */
  failures: number;
  /** When the first of those consecutive failures happened. */
  firstFailureAt?: string;
  /** The last failure's reason (a status or a network error, never a secret). */
  lastError?: string;
  createdAt: string;
  disabledAt?: string;
}

export type NewWebhookEndpoint = Pick<
  WebhookEndpoint,
  'id' | 'tenantId' | 'url' | 'events' | 'secretParameter'
>;

/** How many endpoints a tenant may register: each status change costs one POST per endpoint. */
export const MAX_WEBHOOK_ENDPOINTS = 10;

/**
 * When an endpoint is disabled: after at least this many consecutive failed deliveries (each already
 * retried) that span at least `DISABLE_AFTER_HOURS` from the first of them. Both must hold, so neither a
 * burst of mail during a short outage nor one failure a day for weeks disables an endpoint; a receiver
 * down for a whole day while mail flows is.
 */
export const DISABLE_AFTER_FAILURES = 20;
export const DISABLE_AFTER_HOURS = 24;

/** The tenant already has `MAX_WEBHOOK_ENDPOINTS` endpoints. */
export class WebhookLimitError extends MailroomError {
  readonly code = 'WEBHOOK.LIMIT';
  readonly retryable = false;
  readonly httpStatus = 409;
}

export interface FailureRecorded {
  failures: number;
  /** Whether this failure disabled the endpoint. */
  disabled: boolean;
}

/**
 * Tenants' status webhook endpoints. Implementations: DynamoWebhookEndpointStore (`@mailroom/core/aws`),
 * InMemoryWebhookEndpointStore (`@mailroom/core/testing`), with the same behaviour (one shared suite).
 */
export interface WebhookEndpointStore {
  /** Adds an active endpoint; WebhookLimitError (409) at the tenant's limit, ConflictError if the id is taken. */
  create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
  /** The tenant's endpoint with this id, or null (another tenant's id is null too). */
  get(tenantId: string, id: string): Promise<WebhookEndpoint | null>;
  /** Every endpoint of the tenant, disabled ones included, oldest first. */
  list(tenantId: string): Promise<WebhookEndpoint[]>;
  /** The tenant's active endpoints, oldest first (one Query; callers on the hot path cache it briefly). */
  listActive(tenantId: string): Promise<WebhookEndpoint[]>;
  /** Removes it; false when the tenant has no such endpoint. */
  remove(tenantId: string, id: string): Promise<boolean>;
  /**
   * Counts one failed delivery (after its retries) and disables the endpoint once the failures are
   * sustained (DISABLE_AFTER_FAILURES over DISABLE_AFTER_HOURS). Null when the endpoint is gone.
   */
  recordFailure(tenantId: string, id: string, reason: string): Promise<FailureRecorded | null>;
  /** A delivery succeeded: the consecutive-failure count starts again from 0. No-op for an absent endpoint. */
  recordSuccess(tenantId: string, id: string): Promise<void>;
}
