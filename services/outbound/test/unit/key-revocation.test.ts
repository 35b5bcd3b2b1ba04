import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { parseEnv } from '@mailroom/core';
import { cachedKeys, httpStack } from '@mailroom/core/http';
import { InMemoryDomainStore, InMemoryTenantStore, invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OutboundEnvSchema } from '../../src/config';

const env = {
  MAILROOM_STAGE: 'prod',
  MAILROOM_MESSAGES_TABLE: 'mailroom-prod-messages',
  MAILROOM_TENANTS_TABLE: 'mailroom-prod-tenants',
  MAILROOM_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/mailroom-prod-send',
  MAILROOM_SEND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/mailroom-prod-send-dlq',
  MAILROOM_ATTACHMENTS_BUCKET: 'attachments',
  MAILROOM_REQUESTS_BUCKET: 'requests',
  MAILROOM_TENANT_SECRETS_PREFIX: '/mailroom/prod/tenants',
  MAILROOM_SEND_MAX_RECEIVE_COUNT: '10',
  MAILROOM_SENDGRID_API_KEY_PARAMETER: '/mailroom/prod/sendgrid-api-key',
  MAILROOM_CURSOR_KEY_PARAMETER: '/mailroom/prod/cursor-key',
};

/**
 * The outbound service's key cache as its wiring builds it (cachedKeys from its own config), in front of
 * the real GET /v1/domains/{domain} handler: a revoked key keeps working at most MAILROOM_KEY_CACHE_SECONDS.
 */
describe('outbound: a revoked key is refused within MAILROOM_KEY_CACHE_SECONDS', () => {
  let t = Date.parse('2026-12-03T12:00:00.000Z');
  const tenants = new InMemoryTenantStore(() => new Date(t));
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const logger = new Logger({ logLevel: 'SILENT' });
  let getDomain: (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

  beforeAll(async () => {
    await tenants.createTenant('acme');
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const config = parseEnv(OutboundEnvSchema, { ...env, MAILROOM_KEY_CACHE_SECONDS: '3' });
    const keys = cachedKeys(tenants, config, logger, () => t);
    jest.doMock('../../src/wiring', () => ({
      route: httpStack({ logger, metrics, keys: () => keys }),
      httpDeps: async () => ({ domainApi: { domains: new InMemoryDomainStore() } }),
    }));
    getDomain = invokeHttp(
      (await import('../../src/functions/get-domain/handler')).handler as never,
    ) as typeof getDomain;
  });
  afterAll(() => jest.dontMock('../../src/wiring'));

  const get = async (key: string) =>
    (
      await getDomain({
        rawPath: '/v1/domains/acme.example',
        requestContext: { http: { method: 'GET' } },
        headers: { authorization: `Bearer ${key}` },
        pathParameters: { domain: 'acme.example' },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2)
    ).statusCode;

  it('answers with the key until the TTL has passed, then 401', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['admin']);
    expect(await get(key)).toBe(404); // authenticated: the domain simply is not registered
    await tenants.revokeKeyById(keyId);
    t += 3_000;
    expect(await get(key)).toBe(404);
    t += 1;
    expect(await get(key)).toBe(401);
  });

  it('reads a TTL of 5 s unless told otherwise, and refuses one that is not whole seconds from 1 to 60', () => {
    expect(parseEnv(OutboundEnvSchema, env).MAILROOM_KEY_CACHE_SECONDS).toBe(5);
    expect(() => parseEnv(OutboundEnvSchema, { ...env, MAILROOM_KEY_CACHE_SECONDS: '0' })).toThrow(
      /MAILROOM_KEY_CACHE_SECONDS/,
    );
  });
});
