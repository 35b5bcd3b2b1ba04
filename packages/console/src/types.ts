/** The API's answers as the console reads them (the OpenAPI document at /v1/openapi.json has them all). */

export type Address = string | { email: string; name?: string };

export interface MessageEvent {
  type: string;
  at: string;
  provider: string | null;
  data: Record<string, unknown>;
}

export interface MessageSummary {
  id: string;
  tenantId: string;
  status: string;
  from: Address;
  to: Address[];
  subject: string;
  provider: string | null;
  providerMessageId: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Message extends MessageSummary {
  events: MessageEvent[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'deferred',
  'bounced',
  'dropped',
  'complained',
  'failed',
  'rejected',
  'suppressed',
] as const;

/** Still moving: a page showing one of these refreshes itself. */
export const IN_FLIGHT = new Set(['queued', 'sending', 'deferred']);

/** What `POST /v1/messages/{id}/retry` takes (docs/api.md). */
export const RETRYABLE = new Set(['failed', 'dropped', 'deferred']);
