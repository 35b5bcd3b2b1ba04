import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createDynamoDocumentClient, createSqsClient, DynamoTenantStore } from '@mailroom/core/aws';
import { invokeHttp } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { outboundConfigFor } from '../support/cloud';

jest.setTimeout(120_000);

/**
 * POST /v1/messages and /v1/attachments through their Lambda handlers, against the emulators:
 * every bad input gets the contract's error and leaves nothing behind.
 */
describe('outbound HTTP handlers', () => {
  let cloud: LocalCloud;
  let accept: (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  let attachments: (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
  let sqs: ReturnType<typeof createSqsClient>;
  let readOnlyKey: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    // The handlers read their config from the environment once, as on Lambda.
    Object.assign(process.env, outboundConfigFor(cloud));
    accept = invokeHttp((await import('../../src/functions/accept/handler')).handler);
    attachments = invokeHttp((await import('../../src/functions/attachments/handler')).handler);
    sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    readOnlyKey = (
      await new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!).createApiKey('acme', [
        'read',
      ])
    ).key;
    doc.destroy();
  });
  afterAll(async () => {
    sqs?.destroy();
    await cloud?.stop();
  });

  const event = (body: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 =>
    ({
      body,
      isBase64Encoded: false,
      headers: { authorization: 'Bearer dev-acme-key', 'content-type': 'application/json', ...headers },
    }) as unknown as APIGatewayProxyEventV2;
  const queued = async () => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: cloud.outputs.outbound.SendQueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages);
  };
  const valid = { from: 'shop@acme.example', to: ['ana@example.com'], subject: 'Hi', text: 'Hello' };
  const errorOf = (res: APIGatewayProxyStructuredResultV2) =>
    (JSON.parse(res.body ?? '{}') as { error: { code: string; message: string } }).error;

  it('accepts a valid mail with 202 {id, status: queued} and enqueues it', async () => {
    const before = await queued();
    const res = await accept(event(JSON.stringify(valid)));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body ?? '')).toEqual({ id: expect.any(String), status: 'queued' });
    expect(await queued()).toBe(before + 1);
  });

  const tooMany = Array.from({ length: 51 }, (_, i) => `r${i}@example.com`);
  const cases: [string, string, Record<string, string>, number, string][] = [
    ['missing to', JSON.stringify({ ...valid, to: undefined }), {}, 400, 'REQUEST.INVALID'],
    ['an invalid address', JSON.stringify({ ...valid, to: ['not-an-address'] }), {}, 400, 'REQUEST.INVALID'],
    [
      'CR/LF in the subject',
      JSON.stringify({ ...valid, subject: 'Hi\r\nBcc: x@evil.example' }),
      {},
      400,
      'REQUEST.INVALID',
    ],
    [
      'CR/LF in a header value',
      JSON.stringify({ ...valid, headers: { 'X-Ref': 'a\nBcc: x@evil.example' } }),
      {},
      400,
      'REQUEST.INVALID',
    ],
    [
      'a header Mailroom controls',
      JSON.stringify({ ...valid, headers: { Bcc: 'x@evil.example' } }),
      {},
      400,
      'REQUEST.INVALID',
    ],
    ['51 recipients', JSON.stringify({ ...valid, to: tooMany }), {}, 400, 'REQUEST.INVALID'],
    ['no body', JSON.stringify({ ...valid, text: undefined }), {}, 400, 'REQUEST.INVALID'],
    ['broken JSON', '{"from": ', {}, 400, 'REQUEST.INVALID'],
    [
      'an oversize body',
      JSON.stringify({ ...valid, text: 'x'.repeat(210 * 1024) }),
      {},
      413,
      'REQUEST.TOO_LARGE',
    ],
    [
      "another tenant's attachment key",
      JSON.stringify({
        ...valid,
        attachments: [
          {
            filename: 'a.pdf',
            contentType: 'application/pdf',
            key: 'globex/01J0000000000000000000000A/a.pdf',
          },
        ],
      }),
      {},
      400,
      'REQUEST.INVALID',
    ],
    [
      'an Idempotency-Key over 128 characters',
      JSON.stringify(valid),
      { 'idempotency-key': 'k'.repeat(129) },
      400,
      'REQUEST.INVALID',
    ],
    [
      "a from in another tenant's domain",
      JSON.stringify({ ...valid, from: 'billing@globex.example' }),
      {},
      403,
      'SENDER.DOMAIN_NOT_VERIFIED',
    ],
    [
      'a from in a domain nobody verified, through SendGrid',
      JSON.stringify({ ...valid, from: 'billing@unknown.example', provider: 'sendgrid' }),
      {},
      403,
      'SENDER.DOMAIN_NOT_VERIFIED',
    ],
    [
      'an Idempotency-Key with a space',
      JSON.stringify(valid),
      { 'idempotency-key': 'order 42' },
      400,
      'REQUEST.INVALID',
    ],
    [
      'an Idempotency-Key with a control character',
      JSON.stringify(valid),
      { 'idempotency-key': 'order\u000742' },
      400,
      'REQUEST.INVALID',
    ],
    [
      'metadata nested 10,000 levels deep (a stack overflow, once)',
      `{"from":"shop@acme.example","to":["ana@example.com"],"subject":"Hi","text":"Hello","metadata":{"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`,
      {},
      400,
      'REQUEST.INVALID',
    ],
    [
      'a SendGrid recipient name with a comma',
      JSON.stringify({
        ...valid,
        provider: 'sendgrid',
        to: [{ email: 'ana@example.com', name: 'Doe, Ana' }],
      }),
      {},
      400,
      'REQUEST.INVALID',
    ],
    ['an unknown API key', JSON.stringify(valid), { authorization: 'Bearer nope' }, 401, 'AUTH.UNAUTHORIZED'],
    ['no Authorization header', JSON.stringify(valid), { authorization: '' }, 401, 'AUTH.UNAUTHORIZED'],
  ];

  it.each(cases)('refuses %s and queues nothing', async (_name, body, headers, status, code) => {
    const before = await queued();
    const res = await accept(event(body, headers));
    expect(res.statusCode).toBe(status);
    expect(errorOf(res).code).toBe(code);
    expect(await queued()).toBe(before);
  });

  it('names where a request broke a rule, in the error details', async () => {
    const deep = `{"from":"shop@acme.example","to":["ana@example.com"],"subject":"Hi","text":"Hello","metadata":{"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}}`;
    const details = (res: APIGatewayProxyStructuredResultV2) =>
      (JSON.parse(res.body ?? '{}') as { error: { details?: { path: string }[] } }).error.details?.map(
        (d) => d.path,
      );
    expect(details(await accept(event(deep)))).toEqual(['metadata.deep']);
    const comma = { ...valid, provider: 'sendgrid', to: [{ email: 'ana@example.com', name: 'Doe, Ana' }] };
    expect(details(await accept(event(JSON.stringify(comma))))).toEqual(['to[0].name']);
  });

  it('refuses a key without the send scope with 403', async () => {
    const res = await accept(event(JSON.stringify(valid), { authorization: `Bearer ${readOnlyKey}` }));
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('AUTH.FORBIDDEN');
  });

  it('answers 409 when an idempotency key comes back with another body', async () => {
    const key = { 'idempotency-key': 'http-409' };
    expect((await accept(event(JSON.stringify(valid), key))).statusCode).toBe(202);
    const res = await accept(event(JSON.stringify({ ...valid, subject: 'Other' }), key));
    expect(res.statusCode).toBe(409);
    expect(errorOf(res).code).toBe('RESOURCE.CONFLICT');
  });

  it('hands out a presigned upload under the tenant prefix, and refuses bad uploads', async () => {
    const ok = await attachments(
      event(JSON.stringify({ filename: 'invoice.pdf', contentType: 'application/pdf', size: 1000 })),
    );
    expect(ok.statusCode).toBe(201);
    const body = JSON.parse(ok.body ?? '') as { key: string; uploadUrl: string; expiresAt: string };
    expect(body.key).toMatch(/^acme\/[0-9A-Z]{26}\/invoice\.pdf$/);
    expect(body.uploadUrl).toContain('X-Amz-Signature');
    // The local cloud checks the URL as S3 does: only the declared type and length get in.
    expect(new URL(body.uploadUrl).searchParams.has('x-amz-checksum-crc32')).toBe(false);
    const upload = (bytes: number, type: string) =>
      fetch(body.uploadUrl, {
        method: 'PUT',
        body: Buffer.alloc(bytes, 1),
        headers: { 'content-type': type },
      });
    expect((await upload(1000, 'text/html')).status).toBe(403);
    expect((await upload(999, 'application/pdf')).status).toBe(403);
    expect((await upload(1000, 'application/pdf')).status).toBe(200);

    for (const bad of [
      { filename: 'run.exe', contentType: 'application/octet-stream', size: 10 },
      { filename: 'empty.txt', contentType: 'text/plain', size: 0 },
    ]) {
      const res = await attachments(event(JSON.stringify(bad)));
      expect([res.statusCode, errorOf(res).code]).toEqual([400, 'REQUEST.INVALID']);
    }
    // A declared size over the limit is "too large", as the body limit is.
    const huge = { filename: 'huge.bin', contentType: 'application/pdf', size: 50 * 1024 * 1024 };
    const res = await attachments(event(JSON.stringify(huge)));
    expect([res.statusCode, errorOf(res).code]).toEqual([413, 'REQUEST.TOO_LARGE']);
  });

  it('answers 429 with Retry-After to a tenant over its own send rate, and queues nothing', async () => {
    const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    // One recipient every 5 s: the second mail at once is over it (rate/tenant-share.ts).
    await new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!).updateTenant('globex', {
      sendRate: 0.2,
    });
    doc.destroy();
    const mail = JSON.stringify({ ...valid, from: 'shop@globex.example' });
    const auth = { authorization: 'Bearer dev-globex-key' };
    expect((await accept(event(mail, auth))).statusCode).toBe(202);
    const before = await queued();
    const res = await accept(event(mail, auth));
    expect([res.statusCode, errorOf(res).code]).toEqual([429, 'REQUEST.RATE_LIMITED']);
    expect(Number(res.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers?.['Retry-After'])).toBeLessThanOrEqual(4);
    expect(await queued()).toBe(before);
  });
});
