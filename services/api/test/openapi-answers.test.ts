import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ErrorBodySchema, newId } from '@mailroom/core';
import { httpStack } from '@mailroom/core/http';
import {
  InMemoryCounters,
  InMemoryMessageStore,
  InMemoryTenantStore,
  InMemoryWebhookEndpointStore,
  InMemoryWebhookSecrets,
  invokeHttp,
} from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorCases } from '../src/openapi/document';
import { ENDPOINTS } from '../src/openapi/endpoints';
import { inboundTestDeps, storedMail, type TestInboundDeps } from './support/inbound';

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The api service's real handlers, through the real middleware stack with in-memory stores, answer what
 * the OpenAPI document says: the success body parses with the documented schema, and every error is a
 * status and code the document lists for that endpoint, in the contract's error body.
 */
describe('api answers match the OpenAPI document', () => {
  const tenants = new InMemoryTenantStore();
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const messages = new InMemoryMessageStore();
  const webhooks = {
    endpoints: new InMemoryWebhookEndpointStore(),
    secrets: new InMemoryWebhookSecrets(),
    secretsPrefix: '/mailroom/test/webhooks',
    allowLocalHttp: false,
  };
  let inbound: TestInboundDeps;
  let key: string;
  let readOnly: string;
  const handlers = new Map<string, Handler>();
  const FUNCTIONS: Record<string, string> = {
    'GET /v1/messages/{id}': 'get-message',
    'GET /v1/stats': 'get-stats',
    'GET /v1/inbound': 'list-inbound',
    'GET /v1/inbound/{id}': 'get-inbound',
    'POST /v1/inbound/{id}/retry': 'retry-inbound',
    'POST /v1/webhooks': 'create-webhook',
    'GET /v1/webhooks': 'list-webhooks',
    'DELETE /v1/webhooks/{id}': 'delete-webhook',
  };

  beforeAll(async () => {
    await tenants.createTenant('acme');
    key = (await tenants.createApiKey('acme', ['read', 'send', 'admin'])).key;
    readOnly = (await tenants.createApiKey('acme', ['read'])).key;
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    jest.doMock('../src/wiring', () => ({
      route: httpStack({ logger: new Logger({ logLevel: 'SILENT' }), metrics, keys: () => tenants }),
      apiDeps: async () => ({ messages, counters: new InMemoryCounters(), tenants, webhooks }),
      inboundDeps: async () => inbound,
    }));
    for (const [route, fn] of Object.entries(FUNCTIONS)) {
      handlers.set(
        route,
        invokeHttp((await import(`../src/functions/${fn}/handler`)).handler as never) as Handler,
      );
    }
  });
  afterAll(() => jest.dontMock('../src/wiring'));
  beforeEach(() => {
    inbound = inboundTestDeps();
  });

  /** Calls the route's handler and checks its answer against the route's catalogue entry. */
  async function call(
    route: string,
    options: { id?: string; query?: Record<string, string>; body?: unknown; key?: string | null } = {},
  ) {
    const [method, path] = route.split(' ') as [string, string];
    const res = await handlers.get(route)!({
      rawPath: path.replace('{id}', options.id ?? ''),
      requestContext: { http: { method } },
      headers: {
        ...(options.key !== null && { authorization: `Bearer ${options.key ?? key}` }),
        ...(options.body !== undefined && { 'content-type': 'application/json' }),
      },
      isBase64Encoded: false,
      ...(options.id !== undefined && { pathParameters: { id: options.id } }),
      ...(options.query && { queryStringParameters: options.query }),
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    } as unknown as APIGatewayProxyEventV2);
    const endpoint = ENDPOINTS.find((e) => `${e.method} ${e.path}` === route)!;
    const body: unknown = res.body ? JSON.parse(res.body) : undefined;
    if (res.statusCode === endpoint.success.status) {
      if (endpoint.success.schema) endpoint.success.schema.parse(body);
      else expect(body).toBeUndefined();
    } else {
      const { error } = ErrorBodySchema.parse(body);
      const documented = errorCases(endpoint).map((c) => `${c.status} ${c.code}`);
      expect(documented).toContain(`${res.statusCode} ${error.code}`);
    }
    return { status: res.statusCode, body: body as Record<string, unknown> };
  }

  it('GET /v1/messages/{id}: the message with its timeline, and 404', async () => {
    const id = newId();
    await messages.create({
      id,
      tenantId: 'acme',
      createdAt: new Date().toISOString(),
      from: { email: 'shop@acme.example', name: 'Shop' },
      to: ['ana@example.com'],
      subject: 'Order 1',
      recipients: ['ana@example.com'],
    });
    await messages.transition(id, 'acme', {
      status: 'sending',
      provider: 'ses',
      countAttempt: true,
      event: { type: 'sending', provider: 'ses', data: { attempt: 1 } },
    });
    expect((await call('GET /v1/messages/{id}', { id })).status).toBe(200);
    expect((await call('GET /v1/messages/{id}', { id: newId() })).status).toBe(404);
    expect((await call('GET /v1/messages/{id}', { id, key: null })).status).toBe(401);
  });

  it('GET /v1/stats: buckets, and 400 for a bad query', async () => {
    expect((await call('GET /v1/stats', { query: { interval: 'hour' } })).status).toBe(200);
    expect((await call('GET /v1/stats', { query: { interval: 'week' } })).status).toBe(400);
  });

  it('the /v1/inbound endpoints: list, detail, retry, and their refusals', async () => {
    const failed = await storedMail(inbound.inbound, 'acme', { status: 'failed' });
    inbound.parsed.objects.set(failed.parsedKey!, { text: 'Hi', html: '<p>Hi</p>' });
    expect((await call('GET /v1/inbound', { query: { limit: '1' } })).status).toBe(200);
    expect((await call('GET /v1/inbound', { query: { status: 'lost' } })).status).toBe(400);
    expect((await call('GET /v1/inbound/{id}', { id: failed.id })).status).toBe(200);
    expect((await call('GET /v1/inbound/{id}', { id: 'nope' })).status).toBe(404);
    expect((await call('POST /v1/inbound/{id}/retry', { id: failed.id, key: readOnly })).status).toBe(403);
    expect((await call('POST /v1/inbound/{id}/retry', { id: failed.id })).status).toBe(202);
    expect((await call('POST /v1/inbound/{id}/retry', { id: failed.id })).status).toBe(409);
  });

  it('the /v1/webhooks endpoints: create with its secret, list, delete, and their refusals', async () => {
    const created = await call('POST /v1/webhooks', { body: { url: 'https://hooks.acme.example/mail' } });
    expect(created.status).toBe(201);
    expect((await call('POST /v1/webhooks', { body: { url: 'http://hooks.acme.example' } })).status).toBe(
      400,
    );
    expect((await call('GET /v1/webhooks', { query: { limit: '5' } })).status).toBe(200);
    expect((await call('DELETE /v1/webhooks/{id}', { id: String(created.body.id) })).status).toBe(204);
    expect((await call('DELETE /v1/webhooks/{id}', { id: String(created.body.id) })).status).toBe(404);
  });
});
