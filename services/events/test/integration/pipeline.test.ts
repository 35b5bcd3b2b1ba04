import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createDynamoDocumentClient,
  createFirehoseClient,
  createS3Client,
  createSqsClient,
  DynamoMessageStore,
} from '@mailroom/core/aws';
import { invokeHttp, lambdaContext } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { putEvents } from '../../src/put-events';
import { FirehoseEventStream } from '../../src/stream/firehose';
import { sendGridEvents, sqsEvent } from '../support/lake';
import { testSigner } from '../support/signing';

jest.setTimeout(120_000);

const region = 'us-east-1';
const streamName = 'mailroom-local-sendgrid-events';

/** Polls `read` until it returns something, or fails after `ms` (never a fixed sleep). */
async function eventually<T>(what: string, read: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The webhook's side of the pipeline against the local cloud's Firehose stand-in (provisioned from
 * serverless.yml), which writes gzip objects to the lake in fauxqs S3, whose notifications reach the
 * tracker queue: the Firehose adapter under per-record failures, and one SendGrid batch from the signed
 * request to the message's status.
 */
describe('events pipeline (Firehose stand-in, fauxqs S3 + SQS, DynamoDB Local)', () => {
  const signer = testSigner();
  let cloud: LocalCloud;
  let s3: S3Client;
  let sqs: SQSClient;
  let doc: DynamoDBDocumentClient;
  let bucket: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
    bucket = cloud.outputs.events.LakeBucketName!;
    // The handlers read their config from the environment once, as on Lambda.
    Object.assign(process.env, cloud.env, {
      MAILROOM_STAGE: 'local',
      MAILROOM_MESSAGES_TABLE: cloud.outputs.outbound.MessagesTableName,
      MAILROOM_SENDGRID_EVENTS_STREAM: streamName,
      SENDGRID_WEBHOOK_PUBLIC_KEY: signer.publicKeyBase64,
    });
    s3 = createS3Client({ region, endpoint: cloud.endpoints.aws });
    sqs = createSqsClient({ region, endpoint: cloud.endpoints.aws });
    doc = createDynamoDocumentClient({ region, endpoint: cloud.endpoints.dynamodb });
  });
  beforeEach(() => cloud.setFaults(''));
  afterAll(async () => {
    s3?.destroy();
    sqs?.destroy();
    doc?.destroy();
    await cloud?.stop();
  });

  /** Every line of the SendGrid lake objects that contains `marker`. */
  const lakeLines = async (marker: string) => {
    const { Contents = [] } = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'provider=sendgrid/' }),
    );
    const lines: string[] = [];
    for (const { Key } of Contents) {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      const text = gunzipSync(Buffer.from(await Body!.transformToByteArray())).toString('utf8');
      lines.push(...text.split('\n').filter((l) => l.includes(marker)));
    }
    return { lines, keys: Contents.map((c) => c.Key!) };
  };

  it('puts again only the records Firehose failed: every event reaches the lake exactly once', async () => {
    // 20 % of records fail per call: 200 records all fail 12 times with odds 200 × 0.2^12 < 1e-6.
    cloud.setFaults('firehose.fail=0.2');
    const stream = new FirehoseEventStream(
      createFirehoseClient({ region, endpoint: cloud.endpoints.firehose }),
      streamName,
    );
    const events = Array.from({ length: 200 }, (_, i) => ({ marker: 'partial', sg_event_id: `p-${i}` }));
    const result = await putEvents(stream, events, { maxTries: 12, sleep: async () => undefined });
    expect(result.retried).toBeGreaterThan(0);
    cloud.setFaults('');

    const lines = await eventually('all 200 events in the lake', async () => {
      const found = (await lakeLines('"partial"')).lines;
      return found.length >= 200 ? found : undefined;
    });
    expect(lines.map((l) => (JSON.parse(l) as { sg_event_id: string }).sg_event_id).sort()).toEqual(
      events.map((e) => e.sg_event_id).sort(),
    );
  });

  it('takes a signed SendGrid batch to the message’s status through Firehose, the lake and the tracker', async () => {
    const messages = new DynamoMessageStore(doc, cloud.outputs.outbound.MessagesTableName!);
    await messages.create({
      id: 'e2e-1',
      tenantId: 'acme',
      createdAt: new Date().toISOString(),
      from: 'shop@acme.example',
      to: ['example@test.com'],
      subject: 'Your order',
      recipients: ['example@test.com'],
    });
    await messages.transition('e2e-1', 'acme', {
      status: 'sent',
      provider: 'sendgrid',
      providerMessageId: 'pm-e2e-1',
      event: { type: 'sent', provider: 'sendgrid', data: {} },
    });
    // processed, deferred, delivered
    const body = JSON.stringify(sendGridEvents('e2e-1', 'e2e').slice(0, 3));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const webhook = invokeHttp((await import('../../src/functions/sendgrid-webhook/handler')).handler);
    const res = await webhook({
      rawPath: '/webhooks/sendgrid',
      requestContext: { http: { method: 'POST', path: '/webhooks/sendgrid' } },
      headers: {
        'x-twilio-email-event-webhook-timestamp': timestamp,
        'x-twilio-email-event-webhook-signature': signer.signBatch(timestamp, Buffer.from(body)),
      },
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
    expect(res.statusCode).toBe(204);

    // The stand-in flushes to the lake; the bucket notifies the tracker queue, as on AWS.
    const track = (await import('../../src/functions/track/handler')).handler as unknown as (
      e: SQSEvent,
      c: ReturnType<typeof lambdaContext>,
    ) => Promise<SQSBatchResponse>;
    const queueUrl = cloud.outputs.events.TrackerQueueUrl!;
    await eventually('the message delivered', async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length > 0) {
        const { batchItemFailures } = await track(
          sqsEvent(...Messages.map((m) => m.Body!)),
          lambdaContext('track'),
        );
        expect(batchItemFailures).toEqual([]);
        for (const m of Messages) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
        }
      }
      const status = (await messages.get('e2e-1'))?.status;
      return status === 'delivered' ? status : undefined;
    });
    const timeline = (await messages.getWithEvents('e2e-1'))!.events.map((e) => e.type);
    // The fixture's events are dated 2017, so they sort before the message's own entries.
    expect(timeline).toEqual(['processed', 'deferred', 'delivered', 'queued', 'sent']);
  });
});
