import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSqsClient,
  DynamoCounters,
  DynamoMessageStore,
  DynamoSuppressionStore,
} from '@mailroom/core/aws';
import { lambdaContext } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { gzipNdjson, lakeKey, s3Notification, sendGridEvents, sesEvent, sqsEvent } from '../support/lake';

jest.setTimeout(120_000);

/**
 * The track function as Lambda runs it (real wiring from env), against fauxqs S3/SQS and DynamoDB Local:
 * a lake object made of the providers' documented events moves its messages' status, counters and
 * suppression lists; a poison object fails its record until the tracker queue's redrive parks it.
 */
describe('track function (fauxqs S3 + SQS, DynamoDB Local)', () => {
  let cloud: LocalCloud;
  let handler: (event: SQSEvent, context: ReturnType<typeof lambdaContext>) => Promise<SQSBatchResponse>;
  let s3: S3Client;
  let sqs: SQSClient;
  let doc: DynamoDBDocumentClient;
  let messages: DynamoMessageStore;
  let bucket: string;
  let table: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
    table = cloud.outputs.outbound.MessagesTableName!;
    bucket = cloud.outputs.events.LakeBucketName!;
    // The handler reads its config from the environment once, as on Lambda.
    Object.assign(process.env, cloud.env, { MAILROOM_STAGE: 'local', MAILROOM_MESSAGES_TABLE: table });
    handler = (await import('../../src/functions/track/handler')).handler as never;
    const region = 'us-east-1';
    s3 = createS3Client({ region, endpoint: cloud.endpoints.aws });
    sqs = createSqsClient({ region, endpoint: cloud.endpoints.aws });
    doc = createDynamoDocumentClient({ region, endpoint: cloud.endpoints.dynamodb });
    messages = new DynamoMessageStore(doc, table);
  });
  afterAll(async () => {
    s3?.destroy();
    sqs?.destroy();
    doc?.destroy();
    await cloud?.stop();
  });

  const sent = async (id: string, provider: 'ses' | 'sendgrid') => {
    await messages.create({
      id,
      tenantId: 'acme',
      createdAt: '2026-12-01T09:00:00.000Z',
      from: 'shop@acme.example',
      to: ['recipient@example.com'],
      subject: 'Your order',
      recipients: ['recipient@example.com'],
    });
    await messages.transition(id, 'acme', {
      status: 'sent',
      provider,
      providerMessageId: `pm-${id}`,
      event: { type: 'sent', provider, data: {} },
    });
  };
  const putObject = (key: string, body: Buffer) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const track = (...keys: string[]) =>
    handler(sqsEvent(s3Notification(bucket, ...keys)), lambdaContext('track'));

  it('folds a SendGrid object and an SES object into status, timeline, counters and suppression', async () => {
    await sent('it-sg', 'sendgrid');
    await sent('it-ses', 'ses');
    const sgKey = lakeKey('sendgrid', 'it 1');
    const sesKey = lakeKey('ses', 'it 2');
    await putObject(sgKey, gzipNdjson(sendGridEvents('it-sg', 'it')));
    await putObject(sesKey, gzipNdjson([sesEvent('send', 'it-ses'), sesEvent('delivery', 'it-ses')]));

    await expect(track(sgKey, sesKey)).resolves.toEqual({ batchItemFailures: [] });

    expect((await messages.get('it-sg'))!.status).toBe('complained');
    expect((await messages.get('it-ses'))!.status).toBe('delivered');
    const timeline = (await messages.getWithEvents('it-ses'))!.events.map((e) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['sent', 'processed', 'delivered']));
    // SendGrid's fixture events are all of 2017-12-15 00:59 UTC; one write per tenant-hour.
    const counts = await new DynamoCounters(doc, table).get('acme', '2017-12-15T00');
    expect(counts).toMatchObject({ sent: 1, delivered: 1, bounced: 1, complained: 1, opened: 1, clicked: 1 });
    const suppressed = await new DynamoSuppressionStore(doc, table).suppressed('acme', ['example@test.com']);
    expect(suppressed).toEqual(new Set(['example@test.com']));

    // The same notification again (S3 and SQS deliver at least once): counters and timelines stay as
    // they were, and the status too.
    const before = await messages.getWithEvents('it-sg');
    const sesBefore = await messages.getWithEvents('it-ses');
    await expect(track(sgKey, sesKey)).resolves.toEqual({ batchItemFailures: [] });
    expect(await new DynamoCounters(doc, table).get('acme', '2017-12-15T00')).toEqual(counts);
    expect(await messages.getWithEvents('it-sg')).toEqual(before);
    expect(new Set(before!.events.map((e) => e.data.eventId ?? e.type)).size).toBe(before!.events.length);
    expect(await messages.getWithEvents('it-ses')).toEqual(sesBefore);
  });

  it('folds a batch’s records together and reports only those a failed write held, which then complete once', async () => {
    await sent('it-fold-1', 'sendgrid');
    await sent('it-fold-2', 'sendgrid');
    const [processed, , delivered] = sendGridEvents('it-fold-1', 'fold');
    const opened = sendGridEvents('it-fold-2', 'fold').find((e) => e.event === 'open')!;
    expect([processed!.event, delivered!.event]).toEqual(['processed', 'delivered']);
    const keys = ['fold a', 'fold b', 'fold c'].map((name) => lakeKey('sendgrid', name));
    await putObject(keys[0]!, gzipNdjson([processed]));
    await putObject(keys[1]!, gzipNdjson([delivered]));
    await putObject(keys[2]!, gzipNdjson([opened]));
    const event = sqsEvent(...keys.map((key) => s3Notification(bucket, key)));

    // The three entries go in one BatchWriteItem first; then it-fold-1's status moves (b's delivered) in
    // an UpdateItem, throttled on every attempt while the handler runs.
    cloud.setFaults('dynamodb.UpdateItem.throttle=1');
    const { batchItemFailures } = await handler(event, lambdaContext('track')).finally(() =>
      cloud.setFaults(''),
    );
    // a and b each have an event of it-fold-1; c's open moved no status.
    expect(batchItemFailures).toEqual([
      { itemIdentifier: event.Records[0]!.messageId },
      { itemIdentifier: event.Records[1]!.messageId },
    ]);
    const types = async (id: string) => (await messages.getWithEvents(id))!.events.map((e) => e.type);
    expect((await messages.get('it-fold-1'))!.status).toBe('sent');
    expect(await types('it-fold-1')).toEqual(['processed', 'delivered', 'queued', 'sent']);
    const counters = new DynamoCounters(doc, table);
    const counted = await counters.get('acme', '2017-12-15T00');

    // a and b come back; the table has recovered.
    const again = sqsEvent(s3Notification(bucket, keys[0]!), s3Notification(bucket, keys[1]!));
    await expect(handler(again, lambdaContext('track'))).resolves.toEqual({ batchItemFailures: [] });
    expect((await messages.get('it-fold-1'))!.status).toBe('delivered');
    expect(await types('it-fold-1')).toEqual(['processed', 'delivered', 'queued', 'sent']);
    expect(await types('it-fold-2')).toEqual(['opened', 'queued', 'sent']);
    // c was counted the first time, a and b only now: one each.
    const after = await counters.get('acme', '2017-12-15T00');
    expect({
      sent: after.sent! - (counted.sent ?? 0),
      delivered: after.delivered! - (counted.delivered ?? 0),
      opened: after.opened! - (counted.opened ?? 0),
    }).toEqual({ sent: 1, delivered: 1, opened: 0 });
    // Once more, all three (a redelivered batch): nothing changes.
    await expect(handler(event, lambdaContext('track'))).resolves.toEqual({ batchItemFailures: [] });
    expect(await counters.get('acme', '2017-12-15T00')).toEqual(after);
    expect(await types('it-fold-1')).toEqual(['processed', 'delivered', 'queued', 'sent']);
  });

  it('consumes the notification of an object deleted since', async () => {
    const key = lakeKey('ses', 'deleted');
    await putObject(key, gzipNdjson([sesEvent('send', 'nobody')]));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await expect(track(key)).resolves.toEqual({ batchItemFailures: [] });
  });

  it('fails a poison object’s record on every receive until the redrive parks it in the tracker DLQ', async () => {
    const key = lakeKey('sendgrid', 'poison');
    await putObject(key, Buffer.from('{"event":"delivered"}\n not gzip'));
    const event = sqsEvent(s3Notification(bucket, key));
    await expect(handler(event, lambdaContext('track'))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }],
    });

    // Through the real queue: receive, run the handler, make failed records visible again at once (Lambda
    // would wait out the visibility timeout), until the queue's redrive (maxReceiveCount 5) moves it.
    const queueUrl = cloud.outputs.events.TrackerQueueUrl!;
    const dlqUrl = cloud.outputs.events.TrackerDLQUrl!;
    // Only this body is followed: a local cloud that delivers S3 notifications itself adds its own.
    const body = s3Notification(bucket, key);
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const deadline = Date.now() + 60_000;
    let receives = 0;
    let parked: string | undefined;
    while (parked === undefined) {
      if (Date.now() > deadline) throw new Error(`not in the DLQ after ${receives} receives`);
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 30,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      if (Messages.length > 0) {
        const records = sqsEvent(...Messages.map((m) => m.Body!));
        const { batchItemFailures } = await handler(records, lambdaContext('track'));
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
        for (const [i, message] of Messages.entries()) {
          const handle = { QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! };
          if (failed.has(records.Records[i]!.messageId)) {
            if (message.Body === body) receives += 1;
            await sqs.send(new ChangeMessageVisibilityCommand({ ...handle, VisibilityTimeout: 0 }));
          } else {
            await sqs.send(new DeleteMessageCommand(handle));
          }
        }
      }
      const dlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }));
      parked = dlq.Messages?.find((m) => m.Body === body)?.Body;
    }
    expect(receives).toBe(5);
  });
});
