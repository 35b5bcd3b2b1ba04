/**
 * lake-writes: S3 PUTs to land 100,000 SendGrid events arriving as 1,000 signed webhook requests of 100
 * events. Ours: the `sendgridWebhook` handler in process (real wiring: verify, then PutRecordBatch) into
 * the local cloud's Firehose stand-in, provisioned from services/events/serverless.yml with the deployed
 * buffering hints, which writes gzip NDJSON objects to the lake bucket in fauxqs S3. Baseline: the naive
 * design, the same verify then one PutObject of the request's events per request. PUTs are counted as a
 * user would, by listing the buckets, and every event is checked to have landed.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPairSync, sign } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createFirehoseClient, createS3Client } from '@mailroom/core/aws';
import { invokeHttp } from '@mailroom/core/testing';
import { startLocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { rawBodyBytes } from '../services/events/src/webhook/raw-body';
import { sendGridPublicKey } from '../services/events/src/webhook/public-key';
import { verifySignedBatch } from '../services/events/src/webhook/verify';
import { fromCore } from './harness';
import { round, type BenchResult } from './result';
import { realisticEvent } from './webhook-verify';

const REQUESTS = 1_000;
const EVENTS_PER_REQUEST = 100;
/** Requests in flight at once, for both sides (SendGrid posts batches concurrently). */
const CONCURRENCY = 10;
/** The deployed IntervalInSeconds of both delivery streams (serverless.yml); the stand-in is given it. */
const DEPLOYED_INTERVAL_SECONDS = 60;
const STREAM = 'mailroom-local-sendgrid-events';
const NAIVE_BUCKET = 'lake-writes-naive';

// The SDK copies @mailroom/core resolves (the workspace root does not depend on the SDK itself).
type Command = new (input: object) => never;
const PutObjectCommand = fromCore<Command>('@aws-sdk/client-s3', 'PutObjectCommand');
const GetObjectCommand = fromCore<Command>('@aws-sdk/client-s3', 'GetObjectCommand');
const CreateBucketCommand = fromCore<Command>('@aws-sdk/client-s3', 'CreateBucketCommand');
const ListObjectsV2Command = fromCore<Command>('@aws-sdk/client-s3', 'ListObjectsV2Command');
const DescribeDeliveryStreamCommand = fromCore<Command>(
  '@aws-sdk/client-firehose',
  'DescribeDeliveryStreamCommand',
);

interface SignedRequest {
  body: string;
  signature: string;
  timestamp: string;
}

function signedRequests(): { publicKeyBase64: string; requests: SignedRequest[] } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Math.floor(Date.now() / 1000);
  const requests = Array.from({ length: REQUESTS }, (_, r) => {
    const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) =>
      realisticEvent(r * EVENTS_PER_REQUEST + i, now),
    );
    const body = `${JSON.stringify(events)}\r\n`;
    const timestamp = String(now);
    const signature = sign('sha256', Buffer.from(timestamp + body), { key: privateKey, dsaEncoding: 'der' });
    return { body, signature: signature.toString('base64'), timestamp };
  });
  return { publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), requests };
}

/**
 * The benchmark's own S3 calls, tried again after a connect timeout (the shared 2-core machine can be
 * slow to accept a connection); the measured paths keep their own retries.
 */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (e) {
      if ((e as Error).name !== 'TimeoutError' || attempt >= 5) throw e;
    }
  }
}

const log = (line: string) => process.stderr.write(`  lake-writes: ${line}\n`);

/** Runs `each` over the requests, CONCURRENCY at a time; wall ms. */
async function runAll(requests: SignedRequest[], each: (r: SignedRequest) => Promise<void>) {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) await each(requests[next++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - started;
}

export async function lakeWrites(): Promise<BenchResult> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const cloud = await startLocalCloud({
    ports: 'auto',
    services: false,
    seed: false,
    // The local default is 1 s; the benchmark runs the stand-in at the deployed interval.
    env: { ...process.env, MAILROOM_FIREHOSE_BUFFER_SECONDS: String(DEPLOYED_INTERVAL_SECONDS) },
  });
  const region = 'us-east-1';
  const s3 = createS3Client({ region, endpoint: cloud.endpoints.aws });
  const firehose = createFirehoseClient({ region, endpoint: cloud.endpoints.firehose });
  try {
    const lake = cloud.outputs.events.LakeBucketName!;
    const { publicKeyBase64, requests } = signedRequests();
    log('cloud up, requests signed');
    const described = (await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: STREAM }),
    )) as unknown as {
      DeliveryStreamDescription: {
        Destinations: [
          {
            ExtendedS3DestinationDescription: {
              BufferingHints: { SizeInMBs: number; IntervalInSeconds: number };
            };
          },
        ];
      };
    };
    const hints =
      described.DeliveryStreamDescription.Destinations[0].ExtendedS3DestinationDescription.BufferingHints;
    if (hints.IntervalInSeconds !== DEPLOYED_INTERVAL_SECONDS) {
      throw new Error(
        `the stream's interval is ${hints.IntervalInSeconds} s, the bench expects the deployed 60`,
      );
    }

    const keys = async (bucket: string, prefix = '') => {
      const found: string[] = [];
      let token: string | undefined;
      do {
        const page = (await patiently(() =>
          s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
        )) as { Contents?: { Key: string }[]; NextContinuationToken?: string };
        found.push(...(page.Contents ?? []).map((c) => c.Key));
        token = page.NextContinuationToken;
      } while (token);
      return found;
    };
    const linesIn = async (bucket: string, key: string) => {
      const { Body } = (await patiently(() =>
        s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      )) as {
        Body: { transformToByteArray(): Promise<Uint8Array> };
      };
      const text = gunzipSync(Buffer.from(await Body.transformToByteArray())).toString('utf8');
      return text.split('\n').filter((l) => l.length > 0).length;
    };

    // Ours: the webhook handler with its real deps, the stand-in buffering as deployed.
    Object.assign(process.env, cloud.env, {
      MAILROOM_STAGE: 'local',
      MAILROOM_SENDGRID_EVENTS_STREAM: STREAM,
      SENDGRID_WEBHOOK_PUBLIC_KEY: publicKeyBase64,
      SENDGRID_WEBHOOK_MAX_AGE_SECONDS: '0',
    });
    const { handler } = await import('../services/events/src/functions/sendgrid-webhook/handler');
    const webhook = invokeHttp(handler);
    const oursStarted = performance.now();
    const oursRequestsMs = await runAll(requests, async ({ body, signature, timestamp }) => {
      const res = await webhook({
        rawPath: '/webhooks/sendgrid',
        requestContext: { http: { method: 'POST', path: '/webhooks/sendgrid' } },
        headers: {
          'x-twilio-email-event-webhook-timestamp': timestamp,
          'x-twilio-email-event-webhook-signature': signature,
        },
        body,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2);
      if (res.statusCode !== 204) throw new Error(`the webhook answered ${res.statusCode}: ${res.body}`);
    });
    log(`ours: ${REQUESTS} requests answered 204 in ${round(oursRequestsMs / 1000, 1)} s`);
    // Until every event is in the lake: the last buffer goes out when its interval has passed.
    const counted = new Map<string, number>();
    const deadline = Date.now() + (DEPLOYED_INTERVAL_SECONDS + 120) * 1000;
    let landed = 0;
    while (landed < REQUESTS * EVENTS_PER_REQUEST) {
      if (Date.now() > deadline) throw new Error(`only ${landed} events reached the lake`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const key of await keys(lake, 'provider=sendgrid/')) {
        if (!counted.has(key)) counted.set(key, await linesIn(lake, key));
      }
      landed = [...counted.values()].reduce((a, b) => a + b, 0);
    }
    const oursLakeMs = performance.now() - oursStarted;
    if (landed !== REQUESTS * EVENTS_PER_REQUEST)
      throw new Error(`${landed} events in the lake, expected 100000`);
    const oursPuts = (await keys(lake, 'provider=sendgrid/')).length;

    log(`ours: ${oursPuts} objects, every event in the lake after ${round(oursLakeMs / 1000, 1)} s`);
    // Baseline: the same verify, then one object per request.
    await patiently(() => s3.send(new CreateBucketCommand({ Bucket: NAIVE_BUCKET })));
    const publicKey = sendGridPublicKey(publicKeyBase64);
    const baselineMs = await runAll(requests, async ({ body, signature, timestamp }) => {
      const events = verifySignedBatch(
        { signature, timestamp, body: rawBodyBytes({ body }) },
        { publicKey, maxAgeSeconds: 0 },
      );
      const hour = new Date().toISOString().slice(0, 13).replace(/[-T]/g, '/');
      // One key per request: a retried PUT overwrites, it does not add an object.
      const put = new PutObjectCommand({
        Bucket: NAIVE_BUCKET,
        Key: `provider=sendgrid/${hour}/${randomUUID()}.gz`,
        Body: gzipSync(events.map((e) => `${JSON.stringify(e)}\n`).join('')),
      });
      await patiently(() => s3.send(put));
    });
    const baselineKeys = await keys(NAIVE_BUCKET);
    let baselineEvents = 0;
    for (const key of baselineKeys) baselineEvents += await linesIn(NAIVE_BUCKET, key);
    if (baselineEvents !== REQUESTS * EVENTS_PER_REQUEST) {
      throw new Error(`${baselineEvents} events in the naive bucket, expected 100000`);
    }
    const baselinePuts = baselineKeys.length;
    const eventBytes = requests.reduce((n, r) => n + Buffer.byteLength(r.body), 0);

    return {
      name: 'lake-writes',
      unit: 'S3 PUTs (lower is better; ratio = baseline / ours)',
      ours: oursPuts,
      baseline: baselinePuts,
      ratio: round(baselinePuts / oursPuts, 1),
      notes:
        `${REQUESTS} signed SendGrid webhook requests of ${EVENTS_PER_REQUEST} realistic events ` +
        `(~${round(eventBytes / REQUESTS / 1024, 1)} KiB each, ${round(eventBytes / 1024 / 1024, 1)} MiB in all), ` +
        `${CONCURRENCY} in flight. Ours: the sendgridWebhook handler in process → Firehose stand-in with the ` +
        `deployed buffering hints (SizeInMBs ${hints.SizeInMBs}, IntervalInSeconds ${hints.IntervalInSeconds}) → ` +
        `gzip NDJSON in the lake bucket (fauxqs S3). Baseline: the same verify, then one PutObject per request. ` +
        `PUTs = objects listed in each bucket; every one of the 100,000 events counted in both. Wall: ours ` +
        `${round(oursRequestsMs / 1000, 1)} s for the requests, ${round(oursLakeMs / 1000, 1)} s until the last ` +
        `event was in the lake (the last buffer waits for its interval); baseline ${round(baselineMs / 1000, 1)} s.`,
      bufferingHints: hints,
      events: REQUESTS * EVENTS_PER_REQUEST,
      requests: REQUESTS,
      eventBytes,
      oursRequestsSeconds: round(oursRequestsMs / 1000, 1),
      oursUntilInLakeSeconds: round(oursLakeMs / 1000, 1),
      baselineSeconds: round(baselineMs / 1000, 1),
      oursEventsPerObject: round((REQUESTS * EVENTS_PER_REQUEST) / oursPuts, 0),
    };
  } finally {
    s3.destroy();
    firehose.destroy();
    await cloud.stop();
  }
}
