import { gunzipSync } from 'node:zlib';
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  InvalidArgumentException,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  ServiceUnavailableException,
} from '@aws-sdk/client-firehose';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from '../../src/emulators/fauxqs';
import { silentLogger, type Logger } from '../../src/logger';
import { freePorts } from '../../src/ports';
import type { Child } from '../../src/process';
import { startFirehoseStandIn, type FirehoseStandIn } from '../../src/standins/firehose';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const BUCKET = 'lake';
const PREFIX =
  'provider=sendgrid/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';

/** Polls until `check` gives a value (not undefined), or fails after a generous deadline. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  deadlineMs = 30_000,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// fauxqs (S3) as the local cloud starts it, and Firehose stand-ins writing to it, with the real clients.
describe('Firehose stand-in (the real @aws-sdk/client-firehose against it)', () => {
  let fauxqs: Child;
  let s3: S3Client;
  let standIn: FirehoseStandIn;
  let client: FirehoseClient;
  const faults = { fail: 0 };
  let draws: number[] = [];
  const extra: Array<{ close(): Promise<void> }> = [];
  const extraClients: FirehoseClient[] = [];

  const clientOf = (port: number) => {
    const c = new FirehoseClient({
      region,
      endpoint: `http://127.0.0.1:${port}`,
      credentials,
      maxAttempts: 1,
    });
    extraClients.push(c);
    return c;
  };
  const create = (c: FirehoseClient, name: string, hints = { SizeInMBs: 1, IntervalInSeconds: 60 }) =>
    c.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: name,
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/firehose',
          BucketARN: `arn:aws:s3:::${BUCKET}`,
          Prefix: `${name}/${PREFIX}`,
          ErrorOutputPrefix: `${name}-errors/!{firehose:error-output-type}/`,
          BufferingHints: hints,
          CompressionFormat: 'GZIP',
        },
      }),
    );
  const keysUnder = async (prefix: string) => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return Contents.map((o) => o.Key!).sort();
  };
  const read = async (key: string) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8');
  };
  const line = (n: number) => Buffer.from(`${JSON.stringify({ event: 'delivered', n })}\n`);

  beforeAll(async () => {
    const { aws } = await freePorts();
    fauxqs = await startFauxqs(aws, region, silentLogger);
    s3 = new S3Client({ region, endpoint: `http://localhost:${aws}`, forcePathStyle: true, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    standIn = await startFirehoseStandIn({
      port: 0,
      s3,
      region,
      accountId: '000000000000',
      bufferIntervalMs: 200,
      faults,
      random: () => draws.shift() ?? 0.99,
    });
    client = new FirehoseClient({
      region,
      endpoint: `http://127.0.0.1:${standIn.port}`,
      credentials,
      maxAttempts: 1,
    });
    await create(client, 'sendgrid-events');
  }, 60_000);
  afterEach(() => {
    faults.fail = 0;
    draws = [];
  });
  afterAll(async () => {
    client?.destroy();
    extraClients.forEach((c) => c.destroy());
    await Promise.all(extra.map((e) => e.close()));
    await standIn?.close();
    s3?.destroy();
    await fauxqs?.stop();
  });

  it('describes a stream as CreateDeliveryStream made it, and lists it', async () => {
    const { DeliveryStreamDescription: d } = await client.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'sendgrid-events' }),
    );
    expect(d).toEqual(
      expect.objectContaining({
        DeliveryStreamName: 'sendgrid-events',
        DeliveryStreamARN: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/sendgrid-events',
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: 'DirectPut',
        HasMoreDestinations: false,
      }),
    );
    expect(d?.CreateTimestamp).toBeInstanceOf(Date);
    expect(d?.Destinations?.[0]?.ExtendedS3DestinationDescription).toEqual(
      expect.objectContaining({
        BucketARN: 'arn:aws:s3:::lake',
        Prefix: `sendgrid-events/${PREFIX}`,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        CompressionFormat: 'GZIP',
      }),
    );
    const { DeliveryStreamNames } = await client.send(new ListDeliveryStreamsCommand({}));
    expect(DeliveryStreamNames).toContain('sendgrid-events');
  });

  it('writes a batch as one gzip object of the concatenated records under the evaluated prefix', async () => {
    const records = [1, 2, 3].map((n) => ({ Data: line(n) }));
    const answer = await client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'sendgrid-events', Records: records }),
    );
    expect(answer.FailedPutCount).toBe(0);
    expect(answer.Encrypted).toBe(false);
    expect(answer.RequestResponses).toHaveLength(3);
    for (const r of answer.RequestResponses ?? []) expect(r.RecordId).toEqual(expect.any(String));
    const before = new Date().getUTCFullYear();
    const [key] = await eventually(async () => {
      const keys = await keysUnder('sendgrid-events/provider=sendgrid/');
      return keys.length > 0 ? keys : undefined;
    }, 'the object');
    expect(key).toMatch(
      /^sendgrid-events\/provider=sendgrid\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/sendgrid-events-1-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9a-f-]{36}\.gz$/,
    );
    const after = new Date().getUTCFullYear();
    expect([`year=${before}/`, `year=${after}/`].some((y) => key!.includes(y))).toBe(true);
    expect(await read(key!)).toBe(records.map((r) => r.Data.toString()).join(''));
  });

  it('takes single records with PutRecord', async () => {
    await create(client, 'single');
    const { RecordId } = await client.send(
      new PutRecordCommand({ DeliveryStreamName: 'single', Record: { Data: line(7) } }),
    );
    expect(RecordId).toEqual(expect.any(String));
    const [key] = await eventually(async () => {
      const keys = await keysUnder('single/');
      return keys.length > 0 ? keys : undefined;
    }, 'the object');
    expect(await read(key!)).toBe(line(7).toString());
  });

  it('fails the drawn share of records with a per-record ServiceUnavailableException and keeps only the rest', async () => {
    await create(client, 'flaky');
    faults.fail = 0.5;
    draws = [0.1, 0.9, 0.2, 0.8];
    const records = [1, 2, 3, 4].map((n) => ({ Data: line(n) }));
    const answer = await client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'flaky', Records: records }),
    );
    expect(answer.FailedPutCount).toBe(2);
    expect(answer.RequestResponses?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
      'ServiceUnavailableException',
      'ok',
      'ServiceUnavailableException',
      'ok',
    ]);
    expect(answer.RequestResponses?.[0]).toEqual({
      ErrorCode: 'ServiceUnavailableException',
      ErrorMessage: 'Slow down.',
    });
    const [key] = await eventually(async () => {
      const keys = await keysUnder('flaky/');
      return keys.length > 0 ? keys : undefined;
    }, 'the object');
    expect(await read(key!)).toBe(`${line(2).toString()}${line(4).toString()}`);
  });

  it('fails a PutRecord with ServiceUnavailableException when the fault draws it', async () => {
    faults.fail = 1;
    await expect(
      client.send(new PutRecordCommand({ DeliveryStreamName: 'sendgrid-events', Record: { Data: line(1) } })),
    ).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('answers ResourceNotFoundException for a stream that does not exist', async () => {
    const DeliveryStreamName = 'nope';
    await expect(
      client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new PutRecordCommand({ DeliveryStreamName, Record: { Data: line(1) } })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new PutRecordBatchCommand({ DeliveryStreamName, Records: [{ Data: line(1) }] })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses a second stream of the same name, and destinations it cannot honour', async () => {
    await expect(create(client, 'sendgrid-events')).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(
      client.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'no-error-prefix',
          ExtendedS3DestinationConfiguration: {
            RoleARN: 'arn:aws:iam::000000000000:role/firehose',
            BucketARN: 'arn:aws:s3:::lake',
            Prefix: PREFIX,
          },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(
      client.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: 'snappy',
          ExtendedS3DestinationConfiguration: {
            RoleARN: 'arn:aws:iam::000000000000:role/firehose',
            BucketARN: 'arn:aws:s3:::lake',
            CompressionFormat: 'Snappy',
          },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(
      client.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'no-destination' })),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it("refuses batches over Firehose's limits: 500 records, 1,000 KiB a record, 4 MiB a call", async () => {
    const DeliveryStreamName = 'sendgrid-events';
    const many = Array.from({ length: 501 }, (_, n) => ({ Data: line(n) }));
    await expect(
      client.send(new PutRecordBatchCommand({ DeliveryStreamName, Records: many })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const big = { Data: Buffer.alloc(1000 * 1024 + 1, 'x') };
    await expect(
      client.send(new PutRecordCommand({ DeliveryStreamName, Record: big })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const heavy = Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(1000 * 1024, 'x') }));
    await expect(
      client.send(new PutRecordBatchCommand({ DeliveryStreamName, Records: heavy })),
    ).rejects.toBeInstanceOf(InvalidArgumentException);
  });

  it('answers requests that are not Firehose calls with the protocol errors', async () => {
    const post = (target: string, body: string) =>
      fetch(`http://127.0.0.1:${standIn.port}/`, {
        method: 'POST',
        headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { __type: string } }));
    expect(await post('Firehose_20150804.StartDeliveryStreamEncryption', '{}')).toEqual({
      status: 400,
      body: expect.objectContaining({ __type: 'UnknownOperationException' }),
    });
    expect(await post('Firehose_20150804.PutRecord', '{not json')).toEqual({
      status: 400,
      body: expect.objectContaining({ __type: 'SerializationException' }),
    });
    expect(await post('Firehose_20150804.PutRecord', '{"DeliveryStreamName":"sendgrid-events"}')).toEqual({
      status: 400,
      body: expect.objectContaining({ __type: 'ValidationException' }),
    });
  });

  it('writes as soon as a stream holds its buffer size, and what is left when it closes', async () => {
    // An interval no test waits for: only the size, then close(), can write.
    const patient = await startFirehoseStandIn({
      port: 0,
      s3,
      region,
      accountId: '000000000000',
      bufferIntervalMs: 3_600_000,
    });
    const c = clientOf(patient.port);
    await create(c, 'by-size', { SizeInMBs: 1, IntervalInSeconds: 900 });
    const chunk = Buffer.alloc(512 * 1024, 'a');
    for (const data of [chunk, chunk]) {
      await c.send(new PutRecordCommand({ DeliveryStreamName: 'by-size', Record: { Data: data } }));
    }
    await c.send(new PutRecordCommand({ DeliveryStreamName: 'by-size', Record: { Data: line(1) } }));
    const [first] = await eventually(async () => {
      const keys = await keysUnder('by-size/');
      return keys.length > 0 ? keys : undefined;
    }, 'the full buffer');
    expect((await read(first!)).length).toBe(1024 * 1024);
    await patient.close();
    const keys = await keysUnder('by-size/');
    expect(keys).toHaveLength(2);
    expect(patient.delivered.map((d) => d.records)).toEqual([2, 1]);
  });

  it('retries a write S3 refuses, then logs the records as lost', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    const lost = await startFirehoseStandIn({
      port: 0,
      s3,
      region,
      accountId: '000000000000',
      bufferIntervalMs: 50,
      retryBaseMs: 10,
      logger,
    });
    extra.push(lost);
    const c = clientOf(lost.port);
    await c.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: 'to-nowhere',
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/firehose',
          BucketARN: 'arn:aws:s3:::no-such-bucket',
        },
      }),
    );
    await c.send(new PutRecordCommand({ DeliveryStreamName: 'to-nowhere', Record: { Data: line(1) } }));
    const warning = await eventually(
      async () => warnings.find((w) => w.includes('to-nowhere')),
      'the warning',
    );
    expect(warning).toMatch(/1 records lost, S3 refused s3:\/\/no-such-bucket\//);
    expect(lost.delivered).toEqual([]);
  });
});
