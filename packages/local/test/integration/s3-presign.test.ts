import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startFauxqs } from '../../src/emulators/fauxqs';
import { silentLogger } from '../../src/logger';
import { freePorts } from '../../src/ports';
import type { Child } from '../../src/process';

// fauxqs with the presigned-URL checks in front, as the local cloud starts it (no Java needed).
describe('fauxqs behind the presigned-URL checks', () => {
  let fauxqs: Child;
  let endpoint: string;
  let s3: S3Client;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const file = Buffer.from('%PDF-1.4 a real upload');

  beforeAll(async () => {
    const { aws } = await freePorts();
    fauxqs = await startFauxqs(aws, 'us-east-1', silentLogger);
    endpoint = `http://localhost:${aws}`;
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await fauxqs?.stop();
  });

  const presign = (client: S3Client, key: string) =>
    getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: 'uploads',
        Key: key,
        ContentType: 'application/pdf',
        ContentLength: file.length,
      }),
      { expiresIn: 900, signableHeaders: new Set(['content-type', 'content-length']) },
    );
  const put = (url: string, body = file, type = 'application/pdf') =>
    fetch(url, { method: 'PUT', body, headers: { 'content-type': type } });
  const stored = (key: string) =>
    s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: key })).then(
      async (o) => Buffer.from(await o.Body!.transformToByteArray()).toString(),
      (e: Error) => e.name,
    );

  it('stores an upload of the declared type and length', async () => {
    expect((await put(await presign(s3, 'ok.pdf'))).status).toBe(200);
    expect(await stored('ok.pdf')).toBe(file.toString());
  });

  it('refuses a wrong type or length with 403 SignatureDoesNotMatch and stores nothing', async () => {
    const url = await presign(s3, 'wrong.pdf');
    const wrongType = await put(url, file, 'application/octet-stream');
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await put(url, Buffer.concat([file, file]))).status).toBe(403);
    expect(await stored('wrong.pdf')).toBe('NoSuchKey');
  });

  it('refuses an upload through a URL presigned with the SDK default checksum (400 BadDigest)', async () => {
    const defaults = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials });
    const res = await put(await presign(defaults, 'crc.pdf'));
    defaults.destroy();
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>BadDigest</Code>');
    expect(await stored('crc.pdf')).toBe('NoSuchKey');
  });

  it('still serves SQS through the same port, with queue URLs on that port', async () => {
    const sqs = new SQSClient({ region: 'us-east-1', endpoint, credentials });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'through-proxy' }));
    sqs.destroy();
    expect(QueueUrl).toBe(`${endpoint}/000000000000/through-proxy`);
  });
});
