import { MAX_WEBHOOK_ENDPOINTS } from '@mailroom/core';
import { createDynamoDocumentClient, DynamoTenantStore } from '@mailroom/core/aws';
import { invokeHttp } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

jest.setTimeout(120_000);

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The /v1/webhooks handlers through the real middleware stack, against DynamoDB Local and the Parameter
 * Store stand-in: the contract's answers, the secret kept as a SecureString, tenants kept apart.
 */
describe('/v1/webhooks handlers', () => {
  let cloud: LocalCloud;
  let ssm: SSMClient;
  let handlers: Record<'create' | 'list' | 'remove', Handler>;
  let readOnlyKey: string;
  let limitedKey: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    Object.assign(process.env, {
      ...cloud.env,
      MAILROOM_MESSAGES_TABLE: cloud.outputs.outbound.MessagesTableName,
      MAILROOM_TENANTS_TABLE: cloud.outputs.outbound.TenantsTableName,
      MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/local/webhooks',
      MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP: 'true',
      MAILROOM_INBOUND_TABLE: cloud.outputs.inbound.InboundTableName,
      MAILROOM_RECEIPT_BUCKET: cloud.outputs.inbound.ReceiptBucketName,
      MAILROOM_INBOUND_QUEUE_URL: cloud.outputs.inbound.InboundQueueUrl,
      MAILROOM_SEND_QUEUE_URL: cloud.outputs.outbound.SendQueueUrl,
      MAILROOM_REQUESTS_BUCKET: cloud.outputs.outbound.RequestsBucketName,
    });
    const load = async (fn: string) =>
      invokeHttp((await import(`../../src/functions/${fn}/handler`)).handler as never) as Handler;
    handlers = {
      create: await load('create-webhook'),
      list: await load('list-webhooks'),
      remove: await load('delete-webhook'),
    };
    const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    const tenants = new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!);
    readOnlyKey = (await tenants.createApiKey('acme', ['read', 'send'])).key;
    await tenants.createTenant('limited');
    limitedKey = (await tenants.createApiKey('limited', ['admin'])).key;
    doc.destroy();
    ssm = new SSMClient({
      region: 'us-east-1',
      endpoint: cloud.endpoints.ssm,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    ssm?.destroy();
    await cloud?.stop();
  });

  const event = (
    method: string,
    path: string,
    options: { key?: string | null; body?: unknown; id?: string } = {},
  ) =>
    ({
      rawPath: path,
      requestContext: { http: { method } },
      headers: {
        ...(options.key !== null && { authorization: `Bearer ${options.key ?? 'dev-acme-key'}` }),
        'content-type': 'application/json',
      },
      isBase64Encoded: false,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.id !== undefined && { pathParameters: { id: options.id } }),
    }) as unknown as APIGatewayProxyEventV2;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field below
  const json = (res: APIGatewayProxyStructuredResultV2) => JSON.parse(res.body || 'null') as any;
  const create = (body: unknown, key?: string | null) =>
    handlers.create(event('POST', '/v1/webhooks', { body, key }));
  const list = (key?: string) => handlers.list(event('GET', '/v1/webhooks', { key }));
  const remove = (id: string, key?: string) =>
    handlers.remove(event('DELETE', `/v1/webhooks/${id}`, { id, key }));
  const parameter = async (name: string) =>
    (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })).catch((e: Error) => e)) as
      { Parameter: { Type: string; Value: string } } | Error;

  it('creates (201, secret once, SecureString), lists without the secret, deletes (204) with the parameter', async () => {
    const created = await create({
      url: 'https://hooks.acme.example/mail',
      events: ['delivered', 'bounced'],
    });
    expect(created.statusCode).toBe(201);
    const body = json(created) as { id: string; url: string; secret: string; events: string[] };
    expect(body).toMatchObject({
      url: 'https://hooks.acme.example/mail',
      events: ['delivered', 'bounced'],
      status: 'active',
    });
    const name = `/mailroom/local/webhooks/acme/${body.id}`;
    expect(await parameter(name)).toMatchObject({ Parameter: { Type: 'SecureString', Value: body.secret } });

    const listed = await list();
    expect(listed.statusCode).toBe(200);
    const items = (json(listed) as { items: { id: string }[]; nextCursor: null }).items;
    expect(items.map((i) => i.id)).toContain(body.id);
    expect(listed.body).not.toContain(body.secret);
    expect(listed.body).not.toContain('/mailroom/');

    const removed = await remove(body.id);
    expect(removed.statusCode).toBe(204);
    expect(await parameter(name)).toMatchObject({ name: 'ParameterNotFound' });
    expect((json(await list()) as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(body.id);
    expect((await remove(body.id)).statusCode).toBe(404);
  });

  it('takes http to localhost in the local cloud only; refuses other http with 400 REQUEST.INVALID', async () => {
    expect((await create({ url: 'http://localhost:9999/hook' })).statusCode).toBe(201);
    const refused = await create({ url: 'http://hooks.acme.example/mail' });
    expect(refused.statusCode).toBe(400);
    expect(json(refused)).toMatchObject({ error: { code: 'REQUEST.INVALID' } });
    expect((await create({ url: 'https://a:b@hooks.acme.example/' })).statusCode).toBe(400);
    expect((await create({ url: 'https://h.example', extra: 1 })).statusCode).toBe(400);
    expect((await create('not an object')).statusCode).toBe(400);
  });

  it('answers 404 for another tenant’s endpoint and a malformed id, and leaves it in place', async () => {
    const theirs = json(await create({ url: 'https://hooks.globex.example' }, 'dev-globex-key')) as {
      id: string;
    };
    expect((await remove(theirs.id)).statusCode).toBe(404);
    expect((await remove('not-an-id')).statusCode).toBe(404);
    const globex = json(await list('dev-globex-key')) as { items: { id: string }[] };
    expect(globex.items.map((i) => i.id)).toContain(theirs.id);
    expect((await remove(theirs.id, 'dev-globex-key')).statusCode).toBe(204);
  });

  it('needs an admin key: 401 without a key, 403 with a key lacking the scope', async () => {
    expect((await create({ url: 'https://h.example' }, null)).statusCode).toBe(401);
    const forbidden = await create({ url: 'https://h.example' }, readOnlyKey);
    expect(forbidden.statusCode).toBe(403);
    expect(json(forbidden)).toMatchObject({ error: { code: 'AUTH.FORBIDDEN' } });
    expect((await list(readOnlyKey)).statusCode).toBe(403);
  });

  it(`answers 409 WEBHOOK.LIMIT past ${MAX_WEBHOOK_ENDPOINTS} endpoints (the stored secret is removed again: unit tests)`, async () => {
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++) {
      expect((await create({ url: `https://h.example/${i}` }, limitedKey)).statusCode).toBe(201);
    }
    const over = await create({ url: 'https://h.example/over' }, limitedKey);
    expect(over.statusCode).toBe(409);
    expect(json(over)).toMatchObject({ error: { code: 'WEBHOOK.LIMIT' } });
  });
});
