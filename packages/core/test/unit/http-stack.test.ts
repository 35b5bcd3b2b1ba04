import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { ConflictError, RateLimitedError } from '../../src';
import { httpStack } from '../../src/http';
import { InMemoryTenantStore, invokeHttp } from '../../src/testing';

describe('the HTTP middleware stack', () => {
  const tenants = new InMemoryTenantStore();
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const route = httpStack({ logger, metrics, keys: () => tenants });
  let sendKey: string;
  let readKey: string;

  beforeAll(async () => {
    await tenants.createTenant('acme');
    sendKey = (await tenants.createApiKey('acme', ['send'])).key;
    readKey = (await tenants.createApiKey('acme', ['read'])).key;
  });
  beforeEach(() => {
    jest.restoreAllMocks();
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  });

  const event = (body: string | undefined, key?: string, extra: Partial<APIGatewayProxyEventV2> = {}) =>
    ({
      body,
      isBase64Encoded: false,
      rawPath: '/v1/things',
      requestContext: { http: { method: 'POST' } },
      headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
      ...extra,
    }) as unknown as APIGatewayProxyEventV2;
  const errorOf = (body: string | undefined) =>
    (JSON.parse(body ?? '{}') as { error: { code: string } }).error;

  const echo = invokeHttp(
    route(
      { scope: 'send', body: { schema: z.strictObject({ n: z.number() }), maxBytes: 64, what: 'thing' } },
      async ({ principal, body }) => ({ status: 201, body: { tenant: principal.tenantId, n: body.n } }),
    ),
  );

  describe('a key with an IP allowlist', () => {
    let fenced: string;
    beforeAll(async () => {
      fenced = (
        await tenants.createApiKey('acme', ['send'], { allowIps: ['203.0.113.0/24', '2001:db8::/32'] })
      ).key;
    });
    const from = (sourceIp: string | undefined) =>
      event('{"n": 2}', fenced, {
        requestContext: { http: { method: 'POST', ...(sourceIp && { sourceIp }) } } as never,
      });

    it.each(['203.0.113.9', '::ffff:203.0.113.200', '2001:db8:0:1::7'])(
      'works from %s, inside it',
      async (ip) => {
        expect((await echo(from(ip))).statusCode).toBe(201);
      },
    );

    it.each([
      ['another v4 address', '198.51.100.1'],
      ['another v6 address', '2001:db9::1'],
      ['no address at all', undefined],
      ['something that is not an address', 'localhost'],
    ])('is refused with 403 from %s, before the route runs', async (_name, ip) => {
      const res = await echo(from(ip));
      expect(res.statusCode).toBe(403);
      expect(errorOf(res.body)).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    });
  });

  it('hands the route the key’s principal and the parsed body', async () => {
    const res = await echo(event('{"n": 7}', sendKey));
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body ?? '')).toEqual({ tenant: 'acme', n: 7 });
  });

  it.each([
    ['no key', undefined, '{"n": 1}', 401, 'AUTH.UNAUTHORIZED'],
    ['an unknown key', 'mr_nope', '{"n": 1}', 401, 'AUTH.UNAUTHORIZED'],
    ['a key without the scope', 'read', '{"n": 1}', 403, 'AUTH.FORBIDDEN'],
    ['broken JSON', 'send', '{"n": ', 400, 'REQUEST.INVALID'],
    ['a body the schema refuses', 'send', '{"n": "x"}', 400, 'REQUEST.INVALID'],
    [
      'a body over the limit',
      'send',
      JSON.stringify({ n: 1, pad: 'x'.repeat(100) }),
      413,
      'REQUEST.TOO_LARGE',
    ],
  ])('answers %s with the contract’s error body', async (_what, key, body, status, code) => {
    const actual = key === 'send' ? sendKey : key === 'read' ? readKey : key;
    const res = await echo(event(body, actual));
    expect([res.statusCode, errorOf(res.body).code]).toEqual([status, code]);
  });

  it('maps typed errors the route throws, with Retry-After on 429', async () => {
    const limited = invokeHttp(
      route({ scope: 'send' }, async () => {
        throw new RateLimitedError('slow down', { retryAfterSeconds: 2.2 });
      }),
    );
    const res = await limited(event(undefined, sendKey));
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ 'Retry-After': '3', 'content-type': 'application/json' });
    const conflict = invokeHttp(
      route({ scope: 'send' }, async () => {
        throw new ConflictError('taken');
      }),
    );
    expect((await conflict(event(undefined, sendKey))).statusCode).toBe(409);
  });

  it('logs a 5xx with its cause, counts it, and never shows its message to the client', async () => {
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const added = jest.spyOn(metrics, 'addMetric');
    const broken = invokeHttp(
      route({ scope: 'send' }, async () => {
        throw new Error('table arn:aws:dynamodb:eu-west-1:123456789012:table/secret not found');
      }),
    );
    const res = await broken(event(undefined, sendKey));
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body ?? '')).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(res.body).not.toContain('123456789012');
    expect(errors).toHaveBeenCalledWith(
      'request failed',
      expect.objectContaining({ status: 500, route: 'POST /v1/things', error: expect.any(Error) }),
    );
    expect(added).toHaveBeenCalledWith('HttpServerErrors', 'Count', 1);
  });

  it('counts no server error for a refused request', async () => {
    const added = jest.spyOn(metrics, 'addMetric');
    await echo(event('{"n": "x"}', sendKey));
    expect(added).not.toHaveBeenCalled();
  });

  it('lets a route without a scope through with no principal', async () => {
    const open = invokeHttp(
      route({ scope: null }, async ({ principal }) => ({ status: 200, body: { principal } })),
    );
    const res = await open(event(undefined));
    expect([res.statusCode, JSON.parse(res.body ?? '')]).toEqual([200, {}]);
  });
});
