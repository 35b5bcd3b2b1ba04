import { createDynamoDocumentClient, DynamoTenantStore } from '@mailroom/core/aws';
import { invokeHttp } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { outboundConfigFor } from '../support/cloud';

jest.setTimeout(120_000);

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The /v1/domains handlers against the emulators (DynamoDB Local, the SES stand-in): the contract's
 * answers, tenants kept apart, and POST /v1/messages from a domain once it is verified.
 */
describe('/v1/domains handlers', () => {
  let cloud: LocalCloud;
  let handlers: Record<'add' | 'list' | 'get' | 'remove' | 'accept', Handler>;
  let sendOnlyKey: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    // Pending domains are read again from SES after a second (60 s by default), so the accept side's
    // refresh shows within this test.
    Object.assign(process.env, outboundConfigFor(cloud, { MAILROOM_DOMAIN_REFRESH_SECONDS: '1' }));
    const load = async (fn: string) =>
      invokeHttp((await import(`../../src/functions/${fn}/handler`)).handler as never) as Handler;
    handlers = {
      add: await load('add-domain'),
      list: await load('list-domains'),
      get: await load('get-domain'),
      remove: await load('delete-domain'),
      accept: await load('accept'),
    };
    const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    const tenants = new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!);
    sendOnlyKey = (await tenants.createApiKey('acme', ['send', 'read'])).key;
    doc.destroy();
  });
  afterAll(async () => {
    delete process.env.MAILROOM_SES_VERIFY_AFTER_SECONDS;
    await cloud?.stop();
  });
  /** The SES stand-in (in this process) verifies identities this long after they are created. */
  const sesVerifiesAfter = (seconds: number) => {
    process.env.MAILROOM_SES_VERIFY_AFTER_SECONDS = String(seconds);
  };

  let n = 0;
  const unique = () => `d${++n}-${Date.now().toString(36)}.test`;
  const event = (
    method: string,
    path: string,
    options: { key?: string; body?: unknown; domain?: string; query?: Record<string, string> } = {},
  ) =>
    ({
      rawPath: path,
      requestContext: { http: { method } },
      headers: {
        authorization: `Bearer ${options.key ?? 'dev-acme-key'}`,
        'content-type': 'application/json',
      },
      isBase64Encoded: false,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.domain !== undefined && { pathParameters: { domain: encodeURIComponent(options.domain) } }),
      ...(options.query && { queryStringParameters: options.query }),
    }) as unknown as APIGatewayProxyEventV2;
  const json = (res: APIGatewayProxyStructuredResultV2) =>
    JSON.parse(res.body || 'null') as Record<string, never>;
  const add = (body: unknown, key?: string) => handlers.add(event('POST', '/v1/domains', { body, key }));
  const get = (domain: string, key?: string) =>
    handlers.get(event('GET', `/v1/domains/${domain}`, { domain, key }));
  const remove = (domain: string, key?: string) =>
    handlers.remove(event('DELETE', `/v1/domains/${domain}`, { domain, key }));
  const send = (from: string, key = 'dev-acme-key') =>
    handlers.accept(
      event('POST', '/v1/messages', {
        key,
        body: { from, to: ['ana@example.com'], subject: 'Hi', text: 'Hello' },
      }),
    );

  it('adds a domain: 201 pending with the DKIM, MAIL FROM and DMARC records', async () => {
    sesVerifiesAfter(3600);
    const domain = unique();
    const res = await add({ domain: domain.toUpperCase(), mailFrom: `bounce.${domain}` });
    expect(res.statusCode).toBe(201);
    const body = json(res);
    expect(body).toMatchObject({ domain, status: 'pending', mailFrom: `bounce.${domain}` });
    const records = body.records as unknown as { type: string; name: string; value: string }[];
    expect(records.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT', 'TXT']);
    expect(records[0]?.name).toMatch(
      new RegExp(`^[a-z2-7]{32}\\._domainkey\\.${domain.replace(/\./g, '\\.')}$`),
    );
    expect(records[3]).toEqual({
      type: 'MX',
      name: `bounce.${domain}`,
      value: '10 feedback-smtp.us-east-1.amazonses.com',
    });
  });

  it("keeps tenants apart: 409 for a claimed domain, 404 for another tenant's on GET and DELETE", async () => {
    sesVerifiesAfter(3600);
    const domain = unique();
    expect((await add({ domain })).statusCode).toBe(201);
    const conflict = await add({ domain }, 'dev-globex-key');
    expect(conflict.statusCode).toBe(409);
    expect(json(conflict)).toEqual({ error: { code: 'RESOURCE.CONFLICT', message: expect.any(String) } });
    for (const res of [await get(domain, 'dev-globex-key'), await remove(domain, 'dev-globex-key')]) {
      expect(res.statusCode).toBe(404);
      expect(json(res)).toMatchObject({ error: { code: 'RESOURCE.NOT_FOUND' } });
    }
    expect((await get(domain)).statusCode).toBe(200);
    expect((await add({ domain: `mail.${domain}` }, 'dev-globex-key')).statusCode).toBe(409);
  });

  it('lists the tenant’s domains in the contract’s list shape', async () => {
    const res = await handlers.list(event('GET', '/v1/domains', { query: { limit: '100' } }));
    expect(res.statusCode).toBe(200);
    const body = json(res) as unknown as { items: { domain: string; status: string }[]; nextCursor: null };
    expect(body.nextCursor).toBeNull();
    expect(body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ domain: 'acme.example', status: 'verified' }),
        expect.objectContaining({ domain: 'acme.localhost', status: 'verified' }),
      ]),
    );
    expect(body.items.map((d) => d.domain)).not.toContain('globex.example');
    const bad = await handlers.list(event('GET', '/v1/domains', { query: { limit: '500' } }));
    expect(bad.statusCode).toBe(400);
  });

  it('refuses keys without the admin scope and malformed domains', async () => {
    const domain = unique();
    expect((await add({ domain }, sendOnlyKey)).statusCode).toBe(403);
    expect((await get('acme.example', sendOnlyKey)).statusCode).toBe(403);
    expect((await add({ domain: 'not a domain' })).statusCode).toBe(400);
    expect((await get('a..b')).statusCode).toBe(400);
  });

  it('lets mail from the domain through once SES has verified it, and not before', async () => {
    sesVerifiesAfter(3600);
    const pendingDomain = unique();
    await add({ domain: pendingDomain });
    const refused = await send(`shop@${pendingDomain}`);
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toMatchObject({ error: { code: 'SENDER.DOMAIN_NOT_VERIFIED' } });

    sesVerifiesAfter(0);
    const domain = unique();
    expect(json(await add({ domain }))).toMatchObject({ status: 'verified' });
    expect((await send(`shop@mail.${domain}`)).statusCode).toBe(202);
    expect(json(await get(domain))).toMatchObject({ status: 'verified', dkimStatus: 'success' });
  });

  it('accepts mail from a domain SES verified after it was added, without a GET first', async () => {
    sesVerifiesAfter(1);
    const domain = unique();
    expect(json(await add({ domain }))).toMatchObject({ status: 'pending' });
    // Polled, not timed: the accept side reads the pending domain from SES at most once a second.
    const deadline = Date.now() + 30_000;
    let res = await send(`shop@${domain}`);
    while (res.statusCode === 403 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      res = await send(`shop@${domain}`);
    }
    expect(res.statusCode).toBe(202);
  });

  it('deletes a domain: 204, gone for GET, and its SES identity gone', async () => {
    sesVerifiesAfter(0);
    const domain = unique();
    await add({ domain });
    const res = await remove(domain);
    expect(res.statusCode).toBe(204);
    expect((await get(domain)).statusCode).toBe(404);
    const identity = await fetch(`${cloud.endpoints.ses}/v2/email/identities/${domain}`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ses/aws4_request' },
    });
    expect(identity.status).toBe(404);
    expect((await send(`shop@${domain}`)).statusCode).toBe(403);
  });
});
