import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { RunningServer } from '../../src/standins/http';
import { startS3PresignProxy } from '../../src/standins/s3-presign-proxy';
import { checkPresignedRequest } from '../../src/standins/s3-presign';

/** Stands in for fauxqs: records what reached it and answers 200. */
async function fakeUpstream() {
  const seen: Array<{ method: string; url: string; body: string }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { etag: '"x"' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    seen,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('presigned S3 requests, checked as S3 does', () => {
  let upstream: Awaited<ReturnType<typeof fakeUpstream>>;
  let proxy: RunningServer;
  let clock: Date | undefined;
  const client = (options: { secret?: string; checksums?: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED' } = {}) =>
    new S3Client({
      region: 'us-east-1',
      endpoint: `http://localhost:${proxy.port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: options.secret ?? 'test' },
      requestChecksumCalculation: options.checksums ?? 'WHEN_REQUIRED',
    });
  const pdf = Buffer.from('%PDF-1.4 invoice');
  const presignPut = (s3 = client(), key = 'acme/01J/invoice report.pdf', expiresIn = 900) =>
    getSignedUrl(
      s3,
      new PutObjectCommand({
        Bucket: 'attachments',
        Key: key,
        ContentType: 'application/pdf',
        ContentLength: pdf.length,
      }),
      { expiresIn, signableHeaders: new Set(['content-type', 'content-length']) },
    );
  const put = (url: string, body: Buffer = pdf, type = 'application/pdf') =>
    fetch(url, { method: 'PUT', body, headers: { 'content-type': type } });
  const codeOf = async (res: Response) => /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];

  beforeAll(async () => {
    upstream = await fakeUpstream();
    proxy = await startS3PresignProxy({
      port: 0,
      upstream: { host: '127.0.0.1', port: upstream.port },
      now: () => clock ?? new Date(),
    });
  });
  beforeEach(() => {
    upstream.seen.length = 0;
    clock = undefined;
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('passes an upload of the declared type and length on to the bucket', async () => {
    const res = await put(await presignPut());
    expect(res.status).toBe(200);
    expect(upstream.seen).toEqual([
      {
        method: 'PUT',
        url: expect.stringMatching(/^\/attachments\/acme\/01J\/invoice%20report\.pdf\?/),
        body: pdf.toString(),
      },
    ]);
  });

  it('refuses another content type with 403 SignatureDoesNotMatch, storing nothing', async () => {
    const res = await put(await presignPut(), pdf, 'text/html');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(await codeOf(res)).toBe('SignatureDoesNotMatch');
    expect(upstream.seen).toEqual([]);
  });

  it('refuses another length with 403 SignatureDoesNotMatch, storing nothing', async () => {
    const res = await put(await presignPut(), Buffer.concat([pdf, Buffer.from(' and more')]));
    expect([res.status, await codeOf(res)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(upstream.seen).toEqual([]);
  });

  it('refuses a URL past its expiry with 403 AccessDenied "Request has expired"', async () => {
    const url = await presignPut(client(), undefined, 60);
    clock = new Date(Date.now() + 61_000);
    const res = await put(url);
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(body).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
    expect(body).toContain('<X-Amz-Expires>60</X-Amz-Expires>');
    expect(upstream.seen).toEqual([]);
  });

  it('refuses a URL signed with another secret, another access key, or a changed query', async () => {
    expect(await codeOf(await put(await presignPut(client({ secret: 'wrong' }))))).toBe(
      'SignatureDoesNotMatch',
    );
    const url = new URL(await presignPut());
    url.searchParams.set(
      'X-Amz-Credential',
      url.searchParams.get('X-Amz-Credential')!.replace(/^test/, 'other'),
    );
    expect(await codeOf(await put(url.href))).toBe('InvalidAccessKeyId');
    const longer = new URL(await presignPut());
    longer.searchParams.set('X-Amz-Expires', '3600');
    expect(await codeOf(await put(longer.href))).toBe('SignatureDoesNotMatch');
    const week = new URL(await presignPut());
    week.searchParams.set('X-Amz-Expires', '604801');
    expect(await codeOf(await put(week.href))).toBe('AuthorizationQueryParametersError');
    expect(upstream.seen).toEqual([]);
  });

  it('refuses, with 400 BadDigest, an upload through a URL that signs in the empty body’s CRC32', async () => {
    // What SDK v3 ≥ 3.729 presigns by default (requestChecksumCalculation WHEN_SUPPORTED).
    const url = await presignPut(client({ checksums: 'WHEN_SUPPORTED' }));
    expect(new URL(url).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    const res = await put(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      '<Code>BadDigest</Code><Message>The CRC32 you specified did not match the calculated checksum.</Message>',
    );
    expect(upstream.seen).toEqual([]);
  });

  it('checks presigned downloads too, and streams every other request through unchanged', async () => {
    const get = await getSignedUrl(
      client(),
      new GetObjectCommand({ Bucket: 'attachments', Key: 'acme/a.pdf' }),
      {
        expiresIn: 60,
      },
    );
    expect((await fetch(get)).status).toBe(200);
    clock = new Date(Date.now() + 120_000);
    expect((await fetch(get)).status).toBe(403);
    const sqs = await fetch(`http://localhost:${proxy.port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', authorization: 'AWS4-HMAC-SHA256 anything' },
      body: '{"QueueName":"q"}',
    });
    expect(sqs.status).toBe(200);
    expect(upstream.seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['GET', expect.stringMatching(/^\/attachments\/acme\/a\.pdf\?/), ''],
      ['POST', '/', '{"QueueName":"q"}'],
    ]);
  });

  it('answers 411 MissingContentLength to an upload without a length (chunked)', async () => {
    const url = await getSignedUrl(client(), new PutObjectCommand({ Bucket: 'attachments', Key: 'k' }), {
      expiresIn: 60,
    });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
        controller.close();
      },
    });
    const res = await fetch(url, { method: 'PUT', body, duplex: 'half' } as RequestInit);
    expect([res.status, await codeOf(res)]).toEqual([411, 'MissingContentLength']);
    expect(upstream.seen).toEqual([]);
  });

  it('asks for the parameters SigV4 needs', () => {
    const answer = checkPresignedRequest({ method: 'PUT', url: '/b/k?X-Amz-Signature=abc', headers: {} });
    expect(answer?.status).toBe(400);
    expect(answer?.body).toContain('AuthorizationQueryParametersError');
  });
});
