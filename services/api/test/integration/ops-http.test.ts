import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { newId } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createSqsClient,
  DynamoMessageStore,
  SqsDeadLetters,
} from '@mailroom/core/aws';
import { invokeHttp } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiEnvSchema } from '../../src/config';
import { OpsEnvSchema } from '../../src/ops/config';
import { redriveDlq } from '../../src/ops/dlq';

jest.setTimeout(120_000);

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The /v1/ops/dlq handlers with the service's real wiring against the local cloud: the send and inbound
 * queues and their DLQs in fauxqs (created by the local cloud from the services' resources), the
 * messages table in DynamoDB Local, the dev API keys; acme is the operator tenant, globex is not.
 */
describe('/v1/ops/dlq handlers (local cloud)', () => {
  let cloud: LocalCloud;
  let depths: Handler;
  let redrive: Handler;
  let sqs: SQSClient;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let out: Record<string, string | undefined>;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    out = { ...cloud.outputs.outbound, ...cloud.outputs.inbound };
    const env = {
      ...cloud.env,
      MAILROOM_MESSAGES_TABLE: out.MessagesTableName,
      MAILROOM_TENANTS_TABLE: out.TenantsTableName,
      MAILROOM_INBOUND_TABLE: out.InboundTableName,
      MAILROOM_RECEIPT_BUCKET: out.ReceiptBucketName,
      MAILROOM_INBOUND_QUEUE_URL: out.InboundQueueUrl,
      MAILROOM_INBOUND_DLQ_URL: out.InboundDLQUrl,
      MAILROOM_SEND_QUEUE_URL: out.SendQueueUrl,
      MAILROOM_SEND_DLQ_URL: out.SendDLQUrl,
      MAILROOM_REQUESTS_BUCKET: out.RequestsBucketName,
      MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/local/webhooks',
      MAILROOM_OPERATOR_TENANT: 'acme',
    };
    Object.assign(process.env, ApiEnvSchema.parse(env), OpsEnvSchema.parse(env));
    const load = async (fn: string) =>
      invokeHttp((await import(`../../src/functions/${fn}/handler`)).handler as never) as Handler;
    depths = await load('get-dlq-depths');
    redrive = await load('redrive-dlq');
    sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.env.MAILROOM_AWS_ENDPOINT! });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
  });
  afterAll(async () => {
    sqs?.destroy();
    doc?.destroy();
    await cloud?.stop();
  });

  const event = (
    method: string,
    path: string,
    options: { key?: string; queue?: string; body?: string } = {},
  ) =>
    ({
      rawPath: path,
      requestContext: { http: { method } },
      headers: options.key === undefined ? {} : { authorization: `Bearer ${options.key}` },
      isBase64Encoded: false,
      ...(options.queue !== undefined && { pathParameters: { queue: options.queue } }),
      ...(options.body !== undefined && { body: options.body }),
    }) as unknown as APIGatewayProxyEventV2;
  const json = (res: APIGatewayProxyStructuredResultV2) =>
    JSON.parse(res.body || 'null') as Record<string, unknown>;
  const park = (queueUrl: string, body: string) =>
    sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  const getDepths = (key: string) => depths(event('GET', '/v1/ops/dlq', { key }));
  const post = (queue: string, key: string, body?: string) =>
    redrive(
      event('POST', `/v1/ops/dlq/${queue}/redrive`, { key, queue, ...(body !== undefined && { body }) }),
    );
  async function drain(queueUrl: string): Promise<string[]> {
    const bodies: string[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) return bodies;
      bodies.push(...Messages.map((m) => m.Body!));
    }
  }

  it('shows depths and redrives both DLQs for the operator; a sent mail is skipped, an unreadable one stays', async () => {
    const messages = new DynamoMessageStore(doc, out.MessagesTableName!);
    const sent = newId();
    const parked = newId();
    await messages.create({
      id: sent,
      tenantId: 'globex',
      createdAt: new Date().toISOString(),
      from: 'a@globex.localhost',
      to: ['b@example.com'],
      subject: 'Hi',
      recipients: ['b@example.com'],
    });
    await messages.transition(sent, 'globex', {
      status: 'sent',
      event: { type: 'sent', provider: 'ses', data: {} },
    });
    const sendBody = (id: string, extra = {}) =>
      JSON.stringify({ version: 1, id, tenantId: 'globex', subject: 'Hi', ...extra });
    await park(out.SendDLQUrl!, sendBody(sent, { attemptsUsed: 2 }));
    await park(out.SendDLQUrl!, sendBody(parked, { attemptsUsed: 5, shareSlotAt: 1700000000000 }));
    await park(out.SendDLQUrl!, 'not json');
    const notification = JSON.stringify({ notificationType: 'Received', mail: { messageId: 'ses-it-1' } });
    await park(out.InboundDLQUrl!, notification);

    const before = await getDepths('dev-acme-key');
    expect(before.statusCode).toBe(200);
    expect(json(before)).toEqual({ send: { visible: 3, inFlight: 0 }, inbound: { visible: 1, inFlight: 0 } });

    const sendRun = await post('send', 'dev-acme-key', '{"max": 10}');
    expect(sendRun.statusCode).toBe(200);
    expect(json(sendRun)).toEqual({
      queue: 'send',
      depthBefore: 3,
      moved: 1,
      skipped: 1,
      failed: 1,
      movedIds: [parked],
      skippedIds: [sent],
      failures: [{ id: expect.any(String), reason: 'not a JSON object' }],
      returned: 0,
      drained: true,
    });
    expect(await drain(out.SendQueueUrl!)).toEqual([sendBody(parked)]);

    const inboundRun = await post('inbound', 'dev-acme-key');
    expect(json(inboundRun)).toMatchObject({ queue: 'inbound', moved: 1, movedIds: ['ses-it-1'] });
    expect(await drain(out.InboundQueueUrl!)).toEqual([notification]);

    expect(json(await getDepths('dev-acme-key'))).toEqual({
      send: { visible: 1, inFlight: 0 },
      inbound: { visible: 0, inFlight: 0 },
    });
  });

  it('refuses another tenant’s admin key (403), no key (401), an unknown queue and a bad body (400), changing nothing', async () => {
    const body = JSON.stringify({ version: 1, id: newId(), tenantId: 'globex', subject: 'Hi' });
    await park(out.SendDLQUrl!, body);
    const { send: start } = json(await getDepths('dev-acme-key')) as { send: { visible: number } };

    for (const res of [
      await getDepths('dev-globex-key'),
      await post('send', 'dev-globex-key'),
      await post('tracker', 'dev-globex-key', '{"max": 0}'),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(json(res)).toEqual({
        error: {
          code: 'AUTH.FORBIDDEN',
          message: 'the ops endpoints are for the operator tenant’s admin keys only',
        },
      });
    }
    const anonymous = await depths(event('GET', '/v1/ops/dlq'));
    expect(anonymous.statusCode).toBe(401);
    const unknown = await post('tracker', 'dev-acme-key');
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown)).toMatchObject({
      error: { code: 'REQUEST.INVALID', details: [{ path: 'queue' }] },
    });
    for (const bad of ['{"max": 0}', '{"max": 501}', '{"limit": 5}', 'max=5']) {
      const res = await post('send', 'dev-acme-key', bad);
      expect(res.statusCode).toBe(400);
      expect(json(res)).toMatchObject({ error: { code: 'REQUEST.INVALID' } });
    }

    expect(json(await getDepths('dev-acme-key'))).toMatchObject({
      send: { visible: start.visible, inFlight: 0 },
    });
    expect(await drain(out.SendQueueUrl!)).toEqual([]);
  });

  it('reports a SendMessage that SQS refuses (a queue that does not exist) and keeps every record in the DLQ', async () => {
    const dlqUrl = out.InboundDLQUrl!;
    const { inbound: start } = json(await getDepths('dev-acme-key')) as { inbound: { visible: number } };
    for (const n of [1, 2]) await park(dlqUrl, JSON.stringify({ mail: { messageId: `ses-lost-${n}` } }));
    const missing = `${out.InboundQueueUrl!}-missing`;
    const messages = new DynamoMessageStore(doc, out.MessagesTableName!);
    const { answer, error } = await redriveDlq(
      { tenantId: 'acme', keyId: 'k', scopes: ['admin'] },
      'inbound',
      {},
      {
        operatorTenant: 'acme',
        queues: {
          inbound: new SqsDeadLetters(sqs, missing, dlqUrl),
          send: new SqsDeadLetters(sqs, out.SendQueueUrl!, out.SendDLQUrl!),
        },
        messages,
      },
    );
    expect(error).toBeInstanceOf(Error);
    expect(answer).toMatchObject({ moved: 0, failed: 1, stoppedBy: (error as Error).name });
    expect(answer.failures).toEqual([
      { id: expect.stringMatching(/^ses-lost-[12]$/), reason: (error as Error).name },
    ]);
    expect(json(await getDepths('dev-acme-key'))).toMatchObject({
      inbound: { visible: start.visible + 2, inFlight: 0 },
    });
  });
});
