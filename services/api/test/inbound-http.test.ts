import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { httpStack } from '@mailroom/core/http';
import { InMemoryTenantStore, invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { inboundTestDeps, storedMail, type TestInboundDeps } from './support/inbound';

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The three /v1/inbound handlers through the real middleware stack (API key, scope, error mapping), with
 * the service's wiring swapped for in-memory deps.
 */
describe('/v1/inbound handlers', () => {
  const tenants = new InMemoryTenantStore();
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  let deps: TestInboundDeps;
  let handlers: Record<'list' | 'get' | 'retry', Handler>;
  const keys: Record<'read' | 'send' | 'admin' | 'globex', string> = {
    read: '',
    send: '',
    admin: '',
    globex: '',
  };

  beforeAll(async () => {
    await tenants.createTenant('acme');
    await tenants.createTenant('globex');
    keys.read = (await tenants.createApiKey('acme', ['read'])).key;
    keys.send = (await tenants.createApiKey('acme', ['send'])).key;
    keys.admin = (await tenants.createApiKey('acme', ['admin'])).key;
    keys.globex = (await tenants.createApiKey('globex', ['read', 'send'])).key;
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    jest.doMock('../src/wiring', () => ({
      route: httpStack({ logger: new Logger({ logLevel: 'SILENT' }), metrics, keys: () => tenants }),
      inboundDeps: async () => deps,
    }));
    const load = async (fn: string) =>
      invokeHttp((await import(`../src/functions/${fn}/handler`)).handler as never) as Handler;
    handlers = {
      list: await load('list-inbound'),
      get: await load('get-inbound'),
      retry: await load('retry-inbound'),
    };
  });
  afterAll(() => jest.dontMock('../src/wiring'));
  beforeEach(() => {
    deps = inboundTestDeps();
  });

  const event = (
    method: string,
    path: string,
    options: { key?: string | null; id?: string; query?: Record<string, string> } = {},
  ) =>
    ({
      rawPath: path,
      requestContext: { http: { method } },
      headers: options.key === null ? {} : { authorization: `Bearer ${options.key ?? keys.read}` },
      isBase64Encoded: false,
      ...(options.id !== undefined && { pathParameters: { id: options.id } }),
      ...(options.query && { queryStringParameters: options.query }),
    }) as unknown as APIGatewayProxyEventV2;
  const list = (query?: Record<string, string>, key?: string | null) =>
    handlers.list(event('GET', '/v1/inbound', { query, key }));
  const get = (id: string, key?: string | null) =>
    handlers.get(event('GET', `/v1/inbound/${id}`, { id, key }));
  const retry = (id: string, key: string | null = keys.send) =>
    handlers.retry(event('POST', `/v1/inbound/${id}/retry`, { id, key }));
  const answer = (res: APIGatewayProxyStructuredResultV2) => ({
    status: res.statusCode,
    body: JSON.parse(res.body || 'null') as Record<string, unknown>,
  });
  const codeOf = (res: APIGatewayProxyStructuredResultV2) => [
    res.statusCode,
    (JSON.parse(res.body ?? '{}') as { error: { code: string } }).error.code,
  ];

  it('lists with a read key, page by page, and refuses a bad query or cursor with the contract’s 400', async () => {
    const older = await storedMail(deps.inbound, 'acme', { receivedAt: '2026-12-03T09:00:00.000Z' });
    const newer = await storedMail(deps.inbound, 'acme', { receivedAt: '2026-12-03T10:00:00.000Z' });
    const first = answer(await list({ limit: '1' }));
    expect(first).toEqual({
      status: 200,
      body: { items: [expect.objectContaining({ id: newer.id })], nextCursor: expect.any(String) },
    });
    const cursor = String(first.body.nextCursor);
    const second = answer(await list({ limit: '1', cursor }));
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: older.id })], nextCursor: null });

    expect(codeOf(await list({ limit: '0' }))).toEqual([400, 'REQUEST.INVALID']);
    expect(codeOf(await list({ cursor, status: 'failed' }))).toEqual([400, 'REQUEST.INVALID']);
    expect(answer(await list({ cursor }, keys.globex)).body).toEqual({
      error: {
        code: 'REQUEST.INVALID',
        message: "invalid cursor: issued for another tenant's listing",
        details: [{ path: 'cursor', message: "issued for another tenant's listing" }],
      },
    });
  });

  it('answers the detail to a read key, and 404 for another tenant’s mail or an id that is no ULID', async () => {
    const mail = await storedMail(deps.inbound, 'acme');
    deps.parsed.objects.set(mail.parsedKey!, { text: 'Hi', html: null });
    expect(answer(await get(mail.id))).toMatchObject({
      status: 200,
      body: { id: mail.id, text: 'Hi', html: null },
    });
    expect(codeOf(await get(mail.id, keys.globex))).toEqual([404, 'RESOURCE.NOT_FOUND']);
    expect(codeOf(await get('not-an-id'))).toEqual([404, 'RESOURCE.NOT_FOUND']);
  });

  it('retries failed mail with a send key (202), and answers 409 for other mail and 404 for another tenant’s', async () => {
    const failed = await storedMail(deps.inbound, 'acme', { status: 'failed' });
    const processed = await storedMail(deps.inbound, 'acme');
    expect(answer(await retry(failed.id))).toEqual({
      status: 202,
      body: { id: failed.id, status: 'received' },
    });
    expect(deps.requeued).toEqual([{ type: 'mailroom.inbound.retry', id: failed.id }]);
    expect(codeOf(await retry(processed.id))).toEqual([409, 'RESOURCE.CONFLICT']);
    expect(codeOf(await retry(failed.id))).toEqual([409, 'RESOURCE.CONFLICT']);
    expect(codeOf(await retry(failed.id, keys.globex))).toEqual([404, 'RESOURCE.NOT_FOUND']);
    expect(codeOf(await retry('nope'))).toEqual([404, 'RESOURCE.NOT_FOUND']);
    expect(deps.requeued).toHaveLength(1);
  });

  it('answers 401 without a key and 403 for a key without the scope', async () => {
    const failed = await storedMail(deps.inbound, 'acme', { status: 'failed' });
    expect(codeOf(await list({}, null))).toEqual([401, 'AUTH.UNAUTHORIZED']);
    expect(codeOf(await get(failed.id, null))).toEqual([401, 'AUTH.UNAUTHORIZED']);
    expect(codeOf(await retry(failed.id, null))).toEqual([401, 'AUTH.UNAUTHORIZED']);
    expect(codeOf(await list({}, keys.send))).toEqual([403, 'AUTH.FORBIDDEN']);
    expect(codeOf(await get(failed.id, keys.admin))).toEqual([403, 'AUTH.FORBIDDEN']);
    expect(codeOf(await retry(failed.id, keys.read))).toEqual([403, 'AUTH.FORBIDDEN']);
    expect(codeOf(await retry(failed.id, keys.admin))).toEqual([403, 'AUTH.FORBIDDEN']);
    expect(deps.requeued).toEqual([]);
  });

  it('answers 500 without internals when the queue or the bucket fails', async () => {
    const failed = await storedMail(deps.inbound, 'acme', { status: 'failed' });
    deps.requeue = async () => {
      throw new Error('SQS at https://sqs.internal/queue unavailable');
    };
    deps.parsed.bodies = async () => {
      throw new Error('S3 bucket mailroom-prod-receipts AccessDenied');
    };
    for (const res of [await retry(failed.id), await get(failed.id)]) {
      expect(answer(res)).toEqual({
        status: 500,
        body: { error: { code: 'INTERNAL', message: 'Internal error' } },
      });
    }
  });
});
