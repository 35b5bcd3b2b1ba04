import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { newId, parseEnv } from '@mailroom/core';
import { cachedKeys, httpStack } from '@mailroom/core/http';
import { InMemoryMessageStore, InMemoryTenantStore, invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiEnvSchema } from '../../src/config';

const env = {
  MAILROOM_STAGE: 'prod',
  MAILROOM_MESSAGES_TABLE: 'm',
  MAILROOM_TENANTS_TABLE: 't',
  MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/prod/webhooks',
  MAILROOM_INBOUND_TABLE: 'i',
  MAILROOM_RECEIPT_BUCKET: 'b',
  MAILROOM_INBOUND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q',
  MAILROOM_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/send',
  MAILROOM_REQUESTS_BUCKET: 'requests',
  MAILROOM_CURSOR_KEY_PARAMETER: '/mailroom/prod/cursor-key',
};

/**
 * The api service's key cache as its wiring builds it (cachedKeys from its own config), in front of the
 * real GET /v1/messages/{id} handler: a revoked key keeps working at most MAILROOM_KEY_CACHE_SECONDS.
 */
describe('api: a revoked key is refused within MAILROOM_KEY_CACHE_SECONDS', () => {
  let t = Date.parse('2026-12-03T12:00:00.000Z');
  const tenants = new InMemoryTenantStore(() => new Date(t));
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const logger = new Logger({ logLevel: 'SILENT' });
  let getMessage: (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

  beforeAll(async () => {
    await tenants.createTenant('acme');
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const config = parseEnv(ApiEnvSchema, { ...env, MAILROOM_KEY_CACHE_SECONDS: '2' });
    const keys = cachedKeys(tenants, config, logger, () => t);
    jest.doMock('../../src/wiring', () => ({
      route: httpStack({ logger, metrics, keys: () => keys }),
      apiDeps: async () => ({ messages: new InMemoryMessageStore() }),
    }));
    getMessage = invokeHttp(
      (await import('../../src/functions/get-message/handler')).handler as never,
    ) as typeof getMessage;
  });
  afterAll(() => jest.dontMock('../../src/wiring'));

  const get = async (key: string) =>
    (
      await getMessage({
        rawPath: '/v1/messages/x',
        requestContext: { http: { method: 'GET' } },
        headers: { authorization: `Bearer ${key}` },
        pathParameters: { id: newId() },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2)
    ).statusCode;

  it('answers with the key until the TTL has passed, then 401', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    expect(await get(key)).toBe(404); // authenticated: the message simply does not exist
    await tenants.revokeKeyById(keyId);
    t += 2_000;
    expect(await get(key)).toBe(404);
    t += 1;
    expect(await get(key)).toBe(401);
  });

  it('reads a TTL of 5 s unless told otherwise', () => {
    expect(parseEnv(ApiEnvSchema, env).MAILROOM_KEY_CACHE_SECONDS).toBe(5);
  });
});
