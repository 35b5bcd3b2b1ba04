import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { InboundStore } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSqsClient,
  DynamoInboundStore,
} from '@mailroom/core/aws';
import { invokeHttp } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiEnvSchema } from '../../src/config';

jest.setTimeout(120_000);

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The /v1/inbound handlers with the service's real wiring against the local cloud: DynamoDB Local's
 * inbound table, the receipt bucket and the inbound queue in fauxqs, the dev API keys, the dev cursor key.
 */
describe('/v1/inbound handlers (local cloud)', () => {
  let cloud: LocalCloud;
  let handlers: Record<'list' | 'get' | 'retry', Handler>;
  let inbound: InboundStore;
  let s3: S3Client;
  let sqs: SQSClient;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let bucket: string;
  let queueUrl: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    const out = { ...cloud.outputs.outbound, ...cloud.outputs.inbound };
    bucket = out.ReceiptBucketName!;
    queueUrl = out.InboundQueueUrl!;
    Object.assign(
      process.env,
      ApiEnvSchema.parse({
        ...cloud.env,
        MAILROOM_MESSAGES_TABLE: out.MessagesTableName,
        MAILROOM_TENANTS_TABLE: out.TenantsTableName,
        MAILROOM_INBOUND_TABLE: out.InboundTableName,
        MAILROOM_RECEIPT_BUCKET: bucket,
        MAILROOM_INBOUND_QUEUE_URL: queueUrl,
        MAILROOM_SEND_QUEUE_URL: out.SendQueueUrl,
        MAILROOM_REQUESTS_BUCKET: out.RequestsBucketName,
        MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/local/webhooks',
      }),
    );
    const load = async (fn: string) =>
      invokeHttp((await import(`../../src/functions/${fn}/handler`)).handler as never) as Handler;
    handlers = {
      list: await load('list-inbound'),
      get: await load('get-inbound'),
      retry: await load('retry-inbound'),
    };
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    inbound = new DynamoInboundStore(doc, out.InboundTableName!);
    s3 = createS3Client({ region: 'us-east-1', endpoint: cloud.env.MAILROOM_AWS_ENDPOINT! });
    sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.env.MAILROOM_AWS_ENDPOINT! });
  });
  afterAll(async () => {
    doc?.destroy();
    s3?.destroy();
    sqs?.destroy();
    await cloud?.stop();
  });

  const event = (
    method: string,
    path: string,
    options: { id?: string; query?: Record<string, string> } = {},
  ) =>
    ({
      rawPath: path,
      requestContext: { http: { method } },
      headers: { authorization: 'Bearer dev-acme-key' },
      isBase64Encoded: false,
      ...(options.id !== undefined && { pathParameters: { id: options.id } }),
      ...(options.query && { queryStringParameters: options.query }),
    }) as unknown as APIGatewayProxyEventV2;
  const body = (res: APIGatewayProxyStructuredResultV2) =>
    JSON.parse(res.body || 'null') as Record<string, unknown>;

  let n = 0;
  async function mail(fields: Parameters<InboundStore['update']>[1]) {
    const { record } = await inbound.receive({
      sesMessageId: `it-${++n}-${Date.now()}`,
      recipients: ['support@in.acme.localhost'],
      receivedAt: new Date(Date.UTC(2026, 11, 3, 10, n)).toISOString(),
      rawKey: `raw/it-${n}`,
      verdicts: {},
    });
    return (await inbound.update(record.id, { tenantId: 'acme', route: '*@in.acme.localhost', ...fields }))!;
  }

  it('lists, shows with bodies and a working download URL, and retries failed mail onto the queue', async () => {
    const parsed = await mail({ status: 'processed', subject: 'Invoice' });
    const failed = await mail({ status: 'failed', reason: 'webhook answered 503' });
    const parsedKey = `parsed/${parsed.id}/message.json`;
    const attachmentKey = `parsed/${parsed.id}/0`;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: parsedKey,
        Body: JSON.stringify({
          subject: 'Invoice',
          text: 'See attached',
          html: '<p>See attached</p>',
          attachments: [],
        }),
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: attachmentKey, Body: '%PDF-1.7 test' }));
    await inbound.update(parsed.id, {
      parsedKey,
      attachments: [{ filename: '請求書.pdf', contentType: 'application/pdf', size: 13, key: attachmentKey }],
    });

    const first = await handlers.list(event('GET', '/v1/inbound', { query: { limit: '1' } }));
    expect(first.statusCode).toBe(200);
    expect(body(first)).toMatchObject({ items: [{ id: failed.id }], nextCursor: expect.any(String) });
    const second = body(
      await handlers.list(
        event('GET', '/v1/inbound', { query: { limit: '1', cursor: String(body(first).nextCursor) } }),
      ),
    );
    expect(second).toMatchObject({ items: [{ id: parsed.id }] });

    const detail = await handlers.get(event('GET', `/v1/inbound/${parsed.id}`, { id: parsed.id }));
    expect(detail.statusCode).toBe(200);
    const shown = body(detail) as { text: string; html: string; attachments: { url: string }[] };
    expect(shown).toMatchObject({ text: 'See attached', html: '<p>See attached</p>' });
    const download = await fetch(shown.attachments[0]!.url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('%PDF-1.7 test');

    const retried = await handlers.retry(event('POST', `/v1/inbound/${failed.id}/retry`, { id: failed.id }));
    expect([retried.statusCode, body(retried)]).toEqual([202, { id: failed.id, status: 'received' }]);
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(Messages?.map((m) => JSON.parse(m.Body!))).toEqual([
      { type: 'mailroom.inbound.retry', id: failed.id },
    ]);
    await expect(inbound.load(failed.id)).resolves.toMatchObject({ status: 'received' });
  });
});
