import { gunzipSync } from 'node:zlib';
import { CreateDeliveryStreamCommand, FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
  type QueueConfiguration,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startFauxqs } from '../../src/emulators/fauxqs';
import { silentLogger } from '../../src/logger';
import { freePorts } from '../../src/ports';
import type { Child } from '../../src/process';
import { startFirehoseStandIn, type FirehoseStandIn } from '../../src/standins/firehose';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const queueArn = (name: string) => `arn:aws:sqs:${region}:000000000000:${name}`;

interface S3Record {
  eventVersion: string;
  eventSource: string;
  eventName: string;
  s3: {
    configurationId: string;
    bucket: { name: string; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

// fauxqs with the local cloud's S3 path in front (as startLocalCloud starts it), the real S3 and SQS clients.
describe('S3 event notifications through the local S3 path', () => {
  let fauxqs: Child;
  let endpoint: string;
  let s3: S3Client;
  let sqs: SQSClient;
  let firehose: FirehoseStandIn;
  let lakeUrl: string;
  let otherUrl: string;

  /** Receives until `count` messages came (or fails after a generous deadline), deleting them. */
  const receive = async (QueueUrl: string, count: number): Promise<unknown[]> => {
    const bodies: unknown[] = [];
    const until = Date.now() + 30_000;
    while (bodies.length < count) {
      if (Date.now() > until) throw new Error(`only ${bodies.length} of ${count} messages arrived`);
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) continue;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body!) as unknown));
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    return bodies;
  };
  const records = async (QueueUrl: string, count: number) =>
    (await receive(QueueUrl, count)).flatMap((b) => (b as { Records: S3Record[] }).Records);
  const configure = (Bucket: string, QueueConfigurations: QueueConfiguration[]) =>
    s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket,
        NotificationConfiguration: { QueueConfigurations },
      }),
    );

  beforeAll(async () => {
    const { aws } = await freePorts();
    fauxqs = await startFauxqs(aws, region, silentLogger);
    endpoint = `http://localhost:${aws}`;
    s3 = new S3Client({ region, endpoint, forcePathStyle: true, credentials, maxAttempts: 1 });
    sqs = new SQSClient({ region, endpoint, credentials });
    for (const Bucket of ['lake', 'uploads']) await s3.send(new CreateBucketCommand({ Bucket }));
    lakeUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'tracker' }))).QueueUrl!;
    otherUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'uploads-created' }))).QueueUrl!;
    await configure('lake', [
      {
        QueueArn: queueArn('tracker'),
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'provider=' }] } },
      },
    ]);
    await configure('uploads', [
      {
        Id: 'pdfs',
        QueueArn: queueArn('uploads-created'),
        Events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.pdf' }] } },
      },
    ]);
    firehose = await startFirehoseStandIn({
      port: 0,
      s3,
      region,
      accountId: '000000000000',
      bufferIntervalMs: 100,
    });
  }, 60_000);
  afterAll(async () => {
    await firehose?.close();
    s3?.destroy();
    sqs?.destroy();
    await fauxqs?.stop();
  });

  it('tells each destination queue with an s3:TestEvent when the configuration is set, as S3 does', async () => {
    const [test] = await receive(lakeUrl, 1);
    expect(test).toEqual(
      expect.objectContaining({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'lake' }),
    );
    await receive(otherUrl, 1);
  });

  it('answers the configuration back with GetBucketNotificationConfiguration', async () => {
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    expect(config.QueueConfigurations).toEqual([
      {
        Id: 'pdfs',
        QueueArn: queueArn('uploads-created'),
        Events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:*'],
        Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.pdf' }] } },
      },
    ]);
  });

  it('sends the S3 event message for a PutObject, with the key URL-encoded', async () => {
    const Key = 'provider=ses/year=2026/a b.gz';
    const put = await s3.send(new PutObjectCommand({ Bucket: 'lake', Key, Body: 'hello' }));
    const [record] = await records(lakeUrl, 1);
    expect(record).toEqual(
      expect.objectContaining({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventName: 'ObjectCreated:Put',
        eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      }),
    );
    expect(record?.s3).toEqual(
      expect.objectContaining({
        s3SchemaVersion: '1.0',
        configurationId: expect.any(String),
        bucket: expect.objectContaining({ name: 'lake', arn: 'arn:aws:s3:::lake' }),
        object: {
          key: 'provider%3Dses/year%3D2026/a+b.gz',
          size: 5,
          eTag: put.ETag?.replace(/"/g, ''),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
      }),
    );
  });

  it('notifies for multipart uploads, copies and presigned PUTs, only where the filter matches, in order', async () => {
    // Not under provider=: no message, and none is received before the next ones.
    await s3.send(new PutObjectCommand({ Bucket: 'lake', Key: 'elsewhere/x.gz', Body: 'x' }));
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'lake', Key: 'provider=a/multi' }),
    );
    const part = await s3.send(
      new UploadPartCommand({
        Bucket: 'lake',
        Key: 'provider=a/multi',
        UploadId,
        PartNumber: 1,
        Body: 'part one',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'lake',
        Key: 'provider=a/multi',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await s3.send(
      new CopyObjectCommand({ Bucket: 'lake', Key: 'provider=a/copy', CopySource: 'lake/provider=a/multi' }),
    );
    // Tagging an object is a PUT on its key, but it creates nothing.
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: 'lake',
        Key: 'provider=a/copy',
        Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
      }),
    );
    // As outbound presigns uploads: no checksum of a body the signer has not seen.
    const presigner = new S3Client({
      region,
      endpoint,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const url = await getSignedUrl(
      presigner,
      new PutObjectCommand({ Bucket: 'lake', Key: 'provider=a/signed' }),
      {
        expiresIn: 300,
      },
    );
    presigner.destroy();
    const signed = await fetch(url, { method: 'PUT', body: 'signed body' });
    expect([signed.status, await signed.text()]).toEqual([200, '']);

    const got = await records(lakeUrl, 3);
    expect(got.map((r) => [r.eventName, r.s3.object.key, r.s3.object.size])).toEqual([
      ['ObjectCreated:CompleteMultipartUpload', 'provider%3Da/multi', 8],
      ['ObjectCreated:Copy', 'provider%3Da/copy', 8],
      ['ObjectCreated:Put', 'provider%3Da/signed', 11],
    ]);
    const sequencers = got.map((r) => BigInt(`0x${r.s3.object.sequencer}`));
    expect([...sequencers].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequencers);
  });

  it('matches event types and suffix rules per configuration, deletes included', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'doc.txt', Body: 'no' }));
    await s3.send(
      new CopyObjectCommand({ Bucket: 'uploads', Key: 'copied.pdf', CopySource: 'lake/provider=a/multi' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'doc.pdf', Body: '%PDF' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: 'doc.pdf' }));
    const got = await records(otherUrl, 2);
    expect(got.map((r) => [r.eventName, r.s3.object.key, r.s3.configurationId])).toEqual([
      ['ObjectCreated:Put', 'doc.pdf', 'pdfs'],
      ['ObjectRemoved:Delete', 'doc.pdf', 'pdfs'],
    ]);
    expect(got[1]?.s3.object).toEqual({ key: 'doc.pdf', sequencer: expect.any(String) });
  });

  it("notifies for the Firehose stand-in's objects like any other writer", async () => {
    const client = new FirehoseClient({ region, endpoint: `http://127.0.0.1:${firehose.port}`, credentials });
    await client.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'sendgrid-events',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/firehose',
          BucketARN: 'arn:aws:s3:::lake',
          Prefix: 'provider=sendgrid/year=!{timestamp:yyyy}/',
          ErrorOutputPrefix: 'errors/',
          CompressionFormat: 'GZIP',
        },
      }),
    );
    await client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'sendgrid-events',
        Records: [{ Data: Buffer.from('{"event":"delivered"}\n') }],
      }),
    );
    client.destroy();
    const [record] = await records(lakeUrl, 1);
    expect(record?.eventName).toBe('ObjectCreated:Put');
    const key = decodeURIComponent(record!.s3.object.key.replace(/\+/g, ' '));
    expect(key).toMatch(/^provider=sendgrid\/year=\d{4}\/sendgrid-events-1-.*\.gz$/);
    const object = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key: key }));
    const body = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString();
    expect(body).toBe('{"event":"delivered"}\n');
  });

  it.each<[string, () => Promise<unknown>, string]>([
    ['a bucket that does not exist', () => configure('nope', []), 'NoSuchBucket'],
    [
      'a queue that does not exist',
      () => configure('uploads', [{ QueueArn: queueArn('missing'), Events: ['s3:ObjectCreated:*'] }]),
      'InvalidArgument',
    ],
    [
      'an event S3 does not publish',
      () =>
        configure('uploads', [
          { QueueArn: queueArn('tracker'), Events: ['s3:ObjectCreated:Nope' as 's3:ObjectCreated:*'] },
        ]),
      'InvalidArgument',
    ],
    [
      'a filter rule that is neither prefix nor suffix',
      () =>
        configure('uploads', [
          {
            QueueArn: queueArn('tracker'),
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'infix' as 'prefix', Value: 'x' }] } },
          },
        ]),
      'InvalidArgument',
    ],
    [
      'a topic configuration, which nothing local receives',
      () =>
        s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: 'uploads',
            NotificationConfiguration: {
              TopicConfigurations: [
                { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Events: ['s3:ObjectCreated:*'] },
              ],
            },
          }),
        ),
      'InvalidArgument',
    ],
  ])('refuses %s and keeps the configuration it had', async (_what, call, code) => {
    await expect(call()).rejects.toMatchObject({ name: code });
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    expect(config.QueueConfigurations?.map((q) => q.Id)).toEqual(['pdfs']);
  });

  it('refuses a body that is not XML with MalformedXML', async () => {
    const url = await getSignedUrl(
      s3,
      new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: {} }),
      { expiresIn: 300 },
    );
    const answer = await fetch(url, {
      method: 'PUT',
      body: '<NotificationConfiguration><QueueConfiguration>',
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('<Code>MalformedXML</Code>');
  });
});
