import { ConflictError } from '../../errors';
import { failuresSustained, newEndpoint, shortReason, toEndpoint } from './items';
import {
  type FailureRecorded,
  MAX_WEBHOOK_ENDPOINTS,
  type NewWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointStore,
  WebhookLimitError,
} from './port';

/** WebhookEndpointStore in a Map, for use-case tests; same answers and errors as DynamoWebhookEndpointStore. */
export class InMemoryWebhookEndpointStore implements WebhookEndpointStore {
  /** By `<tenant> <id>`. */
  private readonly endpoints = new Map<string, WebhookEndpoint>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async create(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    if (this.of(endpoint.tenantId).length >= MAX_WEBHOOK_ENDPOINTS) {
      throw new WebhookLimitError(`a tenant may register at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints`);
    }
    const key = this.key(endpoint.tenantId, endpoint.id);
    if (this.endpoints.has(key)) throw new ConflictError(`webhook endpoint ${endpoint.id} already exists`);
    const record = newEndpoint(endpoint, this.now());
    this.endpoints.set(key, record);
    return toEndpoint({ ...record });
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint | null> {
    const found = this.endpoints.get(this.key(tenantId, id));
    return found ? toEndpoint({ ...found }) : null;
  }

  async list(tenantId: string): Promise<WebhookEndpoint[]> {
    return this.of(tenantId).map((e) => toEndpoint({ ...e }));
  }

  async listActive(tenantId: string): Promise<WebhookEndpoint[]> {
    return (await this.list(tenantId)).filter((e) => e.status === 'active');
  }

  async remove(tenantId: string, id: string): Promise<boolean> {
    return this.endpoints.delete(this.key(tenantId, id));
  }

  async recordFailure(tenantId: string, id: string, reason: string): Promise<FailureRecorded | null> {
    const found = this.endpoints.get(this.key(tenantId, id));
    if (!found) return null;
    const now = this.now();
    found.failures += 1;
    found.firstFailureAt ??= now.toISOString();
    found.lastError = shortReason(reason);
    const disabled =
      found.status === 'active' && failuresSustained(found.failures, found.firstFailureAt, now);
    if (disabled) {
      found.status = 'disabled';
      found.disabledAt = now.toISOString();
    }
    return { failures: found.failures, disabled };
  }

  async recordSuccess(tenantId: string, id: string): Promise<void> {
    const found = this.endpoints.get(this.key(tenantId, id));
    if (!found) return;
    found.failures = 0;
    delete found.firstFailureAt;
  }

  private key(tenantId: string, id: string) {
    return `${tenantId} ${id}`;
  }

  private of(tenantId: string): WebhookEndpoint[] {
    return [...this.endpoints.values()]
      .filter((e) => e.tenantId === tenantId)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
