import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Readable, Transform } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { newId, type InboundRecord } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createS3Client,
  DynamoInboundStore,
  DynamoMessageStore,
} from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { S3ReceiptBucket } from '../../src/adapters/s3-receipt-bucket';
import { storeOnly } from '../../src/destinations/factory';
import { handler } from '../../src/functions/process/handler';
import { bigMail } from '../support/big-mail';
import { fixture, notification, sesId } from '../support/inbound';

jest.setTimeout(180_000);

// A full garbage collection before every memory sample: the figure is what processing holds, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const live = () => {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

/**
 * The `process` function as Lambda runs it (middy, partial batch failures, wiring), against the local
 * cloud's fauxqs S3 (a child process, so its objects are not in this process's memory) and DynamoDB
 * Local, with the bucket, queue and table serverless.yml declares and the dev routes seeded
 * (`*@in.acme.localhost` → acme, store only).
 */
describe('process function (fauxqs S3, DynamoDB Local)', () => {
  let cloud: LocalCloud;
  let s3: S3Client;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let inbound: DynamoInboundStore;
  let bucket: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    bucket = cloud.outputs.inbound.ReceiptBucketName!;
    Object.assign(process.env, cloud.env, {
      MAILROOM_STAGE: 'local',
      MAILROOM_INBOUND_TABLE: cloud.outputs.inbound.InboundTableName,
      MAILROOM_MESSAGES_TABLE: cloud.outputs.outbound.MessagesTableName,
      MAILROOM_RECEIPT_BUCKET: bucket,
      MAILROOM_INBOUND_QUEUE_URL: cloud.outputs.inbound.InboundQueueUrl,
    });
    s3 = createS3Client({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    inbound = new DynamoInboundStore(doc, cloud.outputs.inbound.InboundTableName!);
  });
  afterAll(async () => {
    process.env = saved;
    s3?.destroy();
    doc?.destroy();
    await cloud?.stop();
  });

  const receipts = () => new S3ReceiptBucket(s3, bucket, 600);
  const sqsRecord = (body: string): SQSRecord =>
    ({
      messageId: newId(),
      receiptHandle: `handle-${newId()}`,
      body,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:mailroom-local-inbound',
      awsRegion: 'us-east-1',
    }) as unknown as SQSRecord;
  const invoke = async (bodies: string[]) => {
    const records = bodies.map(sqsRecord);
    const event: SQSEvent = { Records: records };
    const result = (await handler(event, {} as Context)) as unknown as {
      batchItemFailures: { itemIdentifier: string }[];
    };
    return result.batchItemFailures.map(
      (f) => bodies[records.findIndex((r) => r.messageId === f.itemIdentifier)],
    );
  };
  /** Writes raw MIME under raw/ and answers its notification. */
  const arrive = async (raw: Buffer | string | Readable, recipients = ['inbox@in.acme.localhost']) => {
    const id = sesId();
    const stream = raw instanceof Readable ? raw : Readable.from([Buffer.from(raw)]);
    await receipts().write(`raw/${id}`, stream, 'message/rfc822');
    return { id, body: JSON.stringify(notification(id, recipients, { bucket })) };
  };
  const recordOf = async (id: string): Promise<InboundRecord> => {
    for (const status of ['processed', 'failed', 'unrouted', 'rejected', 'received'] as const) {
      let after: string | undefined;
      do {
        const page = await inbound.list('acme', { status }, { limit: 100, ...(after && { after }) });
        const found = page.items.find((r) => r.sesMessageId === id);
        if (found) return found;
        after = page.last;
      } while (after);
    }
    throw new Error(`no acme record for ${id}`);
  };
  const exists = (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      (err: Error) => (err.name === 'NotFound' ? false : Promise.reject(err)),
    );
  const text = async (key: string) =>
    Buffer.from(
      await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray(),
    ).toString('utf8');

  it('processes a real Japanese mail: the subject decodes exactly, parts land under parsed/, raw under processed/', async () => {
    const { id, body } = await arrive(fixture('mime/iso2022jp-subject-and-body.eml'));
    expect(await invoke([body])).toEqual([]);
    const record = await recordOf(id);
    expect(record).toMatchObject({
      status: 'processed',
      tenantId: 'acme',
      route: '*@in.acme.localhost',
      subject: '日本語メールテスト (testing Japanese emails)',
      from: 'x@x.com',
      rawKey: `processed/${id}`,
      attempts: 1,
    });
    expect(JSON.parse(await text(record.parsedKey!)).subject).toBe(
      '日本語メールテスト (testing Japanese emails)',
    );
    expect(await exists(`processed/${id}`)).toBe(true);
    expect(await exists(`raw/${id}`)).toBe(false);
  });

  it('takes the same notification twice as one record and one dispatch', async () => {
    const deliver = jest.spyOn(storeOnly, 'deliver');
    try {
      const { id, body } = await arrive(fixture('mime/utf8-encoded-words-base64-body.eml'));
      expect(await invoke([body])).toEqual([]);
      expect(await invoke([body])).toEqual([]);
      const record = await recordOf(id);
      expect(record).toMatchObject({ status: 'processed', attempts: 1 });
      expect(deliver.mock.calls.filter(([d]) => d.record.id === record.id)).toHaveLength(1);
      const all = await inbound.list('acme', {}, { limit: 100 });
      expect(all.items.filter((r) => r.sesMessageId === id)).toHaveLength(1);
    } finally {
      deliver.mockRestore();
    }
  });

  it('dispatches once when the same notification comes in two batches at the same moment', async () => {
    // A dispatch waits until the other batch has dispatched too or finished, so both overlap.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const deliver = jest.spyOn(storeOnly, 'deliver').mockImplementation(async () => {
      if (deliver.mock.calls.length > 1) release();
      await gate;
    });
    try {
      const { id, body } = await arrive(fixture('mime/nested-mixed-related-alternative.eml'));
      const batches = [invoke([body]).finally(release), invoke([body]).finally(release)];
      expect(await Promise.all(batches)).toEqual([[], []]);
      const record = await recordOf(id);
      expect(record).toMatchObject({ status: 'processed', attempts: 1 });
      expect(deliver.mock.calls.filter(([d]) => d.record.id === record.id)).toHaveLength(1);
    } finally {
      deliver.mockRestore();
    }
  });

  it('reports only unreadable notifications as batch failures; every bad mail ends in a record', async () => {
    let many =
      'From: a@example.com\r\nSubject: many\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n';
    for (let i = 0; i < 1000; i++)
      many += `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="f${i}.txt"\r\n\r\n${i}\r\n`;
    many += '--b--\r\n';
    const hostile =
      'From: a@example.com\r\nSubject: names\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
      '--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nroot\r\n' +
      '--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="a\u0000b.txt"\r\n\r\nnul\r\n--b--\r\n';
    const zero = await arrive('');
    const notMime = await arrive('\u0000\u0001\u0002 this is not a mail\r\n');
    const header = await arrive(`From: a@example.com\r\nSubject: ${'x'.repeat(1024 * 1024)}\r\n\r\nbody\r\n`);
    const names = await arrive(hostile);
    const thousand = await arrive(many);
    const unknown = await arrive('From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n', [
      'who@nowhere.example',
    ]);
    const missingId = sesId();
    const missing = JSON.stringify(notification(missingId, ['inbox@in.acme.localhost'], { bucket }));
    const malformed = '{"notificationType":"Received","receipt":';

    const failures = await invoke([
      zero.body,
      notMime.body,
      header.body,
      names.body,
      missing,
      malformed,
      unknown.body,
    ]);
    expect(failures).toEqual([malformed]);
    expect(await invoke([thousand.body])).toEqual([]);

    expect(await recordOf(zero.id)).toMatchObject({
      status: 'failed',
      rawKey: `failed/${zero.id}`,
      reason: expect.stringMatching(/^INBOUND\.EMPTY: /),
    });
    expect(await exists(`failed/${zero.id}`)).toBe(true);
    expect(await recordOf(notMime.id)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^INBOUND\.NOT_A_MESSAGE: /),
    });
    expect(await recordOf(header.id)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^INBOUND\.HEADER_TOO_LARGE: /),
    });
    expect(await recordOf(missingId)).toMatchObject({
      status: 'failed',
      reason: `INBOUND.RAW_MISSING: raw MIME raw/${missingId} is not in the receipt bucket`,
    });
    const named = await recordOf(names.id);
    expect(named.status).toBe('processed');
    expect(named.attachments.map((a) => a.key)).toEqual([`parsed/${named.id}/0`, `parsed/${named.id}/1`]);
    expect(await text(`parsed/${named.id}/0`)).toBe('root');
    for (const a of named.attachments) {
      expect(a.filename).not.toMatch(/[/\\]|\.\./);
      expect(a.filename).not.toContain('\u0000');
    }
    const lots = await recordOf(thousand.id);
    expect(lots.attachments).toHaveLength(1000);
    expect(await text(`parsed/${lots.id}/999`)).toBe('999');
    // Unrouted mail has no tenant: found by id through the store's load.
    const unrouted = (
      await inbound.receive({
        sesMessageId: unknown.id,
        recipients: [],
        receivedAt: new Date().toISOString(),
        rawKey: 'x',
        verdicts: {},
      })
    ).record;
    expect(unrouted).toMatchObject({ status: 'unrouted', tenantId: null, rawKey: `raw/${unknown.id}` });
    expect(await exists(`raw/${unknown.id}`)).toBe(true);
  });

  it('processes a 30 MB attachment holding a small fraction of it in memory', async () => {
    const SIZE = 30 * 1024 * 1024;
    // Warm up the multipart path (its SDK commands load on first use) with a 6 MiB attachment.
    const warm = await arrive(bigMail(6 * 1024 * 1024));
    expect(await invoke([warm.body])).toEqual([]);
    const { id, body } = await arrive(bigMail(SIZE));
    // Two measures while the function reads the message from S3. Ahead: how far reading has got in front
    // of the upload — attachment bytes read (base64 lines: 78 bytes carry 57) but not yet taken by the
    // uploader — sampled at every chunk read: what the pipeline buffers, exactly counted, timing aside.
    // Live: what this process holds after a full GC, sampled at every MiB read.
    const read = S3ReceiptBucket.prototype.read;
    const write = S3ReceiptBucket.prototype.write;
    let consumed = 0;
    let uploaded = 0;
    let ahead = 0;
    let peak = 0;
    const reading = jest.spyOn(S3ReceiptBucket.prototype, 'read').mockImplementation(async function (
      this: S3ReceiptBucket,
      key: string,
    ) {
      const stream = await read.call(this, key);
      let next = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          consumed += chunk.length;
          ahead = Math.max(ahead, (consumed * 57) / 78 - uploaded);
          if (consumed >= next) {
            peak = Math.max(peak, live());
            next += 1024 * 1024;
          }
          done(null, chunk);
        },
      });
      stream.once('error', (err) => counted.destroy(err));
      return stream.pipe(counted);
    });
    const writing = jest.spyOn(S3ReceiptBucket.prototype, 'write').mockImplementation(async function (
      this: S3ReceiptBucket,
      key,
      body,
      contentType,
    ) {
      if (typeof body === 'string' || !key.endsWith('/0')) return write.call(this, key, body, contentType);
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          uploaded += chunk.length;
          done(null, chunk);
        },
      });
      body.once('error', (err) => counted.destroy(err));
      return write.call(this, key, body.pipe(counted), contentType);
    });
    try {
      const baseline = live();
      expect(await invoke([body])).toEqual([]);
      peak = Math.max(peak, live());
      const record = await recordOf(id);
      expect(record).toMatchObject({
        status: 'processed',
        attachments: [{ filename: 'big.bin', size: SIZE, key: `parsed/${record.id}/0` }],
      });
      const stored = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `parsed/${record.id}/0` }));
      expect(stored.ContentLength).toBe(SIZE);
      // The raw message is about 41 MiB: all of it was read, all of the attachment uploaded.
      expect(consumed).toBeGreaterThan(SIZE * 1.3);
      expect(uploaded).toBe(SIZE);
      // Ahead: what the parser's streams hold between S3 and the uploader, which then holds one 5 MiB part
      // of its own (part-upload.ts). It fills up to the streams' high-water marks while a part uploads and
      // can go no further, however fast or slow S3 is: measured 1.3 MiB. Buffering would be all 30 MiB.
      expect(ahead).toBeLessThan(8 * 1024 * 1024);
      // Live memory is noisier (SDK clients, sockets, what the warm-up left), so its bound is looser:
      // below the attachment itself and far below the 41 MiB message that buffering would hold whole,
      // with the attachment 30 MiB more on top. Measured 3–18 MiB here; lib-storage's Upload, 18–29.
      expect(peak - baseline).toBeLessThan(SIZE);
    } finally {
      reading.mockRestore();
      writing.mockRestore();
    }
  });

  it('links a bounce of mail sent through SES to it, with a `bounced` event', async () => {
    const messages = new DynamoMessageStore(doc, cloud.outputs.outbound.MessagesTableName!);
    const messageId = newId();
    await messages.create({
      id: messageId,
      tenantId: 'acme',
      createdAt: new Date().toISOString(),
      from: 'app@acme.example',
      to: ['sironeko@neko.example.org'],
      subject: 'hello',
      recipients: ['sironeko@neko.example.org'],
    });
    await messages.transition(messageId, 'acme', {
      status: 'sent',
      provider: 'ses',
      providerMessageId: 'ffffffffffffffff-00000000-2222-2222-2222-111111111111-ffffff',
      event: { type: 'sent', provider: 'ses', data: {} },
    });
    const { id, body } = await arrive(fixture('dsn/ses-bounce-2017-blocklisted.eml'));
    // gsi3 is eventually consistent: DynamoDB Local answers at once.
    expect(await invoke([body])).toEqual([]);
    expect(await recordOf(id)).toMatchObject({
      linkedMessageId: messageId,
      dsn: { action: 'failed', status: '5.7.1' },
    });
    expect((await messages.getWithEvents(messageId))!.events.map((e) => e.type)).toEqual([
      'queued',
      'sent',
      'bounced',
    ]);
  });
});
