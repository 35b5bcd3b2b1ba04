/**
 * track-throughput: events per second folded into message statuses, against DynamoDB Local and fauxqs
 * S3. Ours: the `track` handler (real wiring) on one SQS batch naming the lake objects the events were
 * written to, gzip NDJSON as Firehose writes them: objects tracked concurrently, duplicates dropped by
 * event id, status by precedence with a timeline entry, counters added once per tenant-hour of each
 * object. Baseline: one DynamoDB UpdateItem per event, in sequence (the status set, an event count
 * added), on messages of its own. Same events, interleaved rounds of the same run; headline under the
 * network model send-throughput uses (+5 ms per DynamoDB request), bare loopback beside it.
 */
import { newId } from '@mailroom/core';
import { createDynamoDocumentClient, createS3Client, DynamoMessageStore } from '@mailroom/core/aws';
import { lambdaContext } from '@mailroom/core/testing';
import { startLocalCloud } from '@mailroom/local';
import type { SQSEvent } from 'aws-lambda';
import { gzipSync } from 'node:zlib';
import { countDynamoRequests, fromCore, networkLatency } from './harness';
import { round, type BenchResult } from './result';

const MESSAGES_PER_ROUND = 150;
/** processed, delivered, open, click: what most mail produces. */
const TYPES = ['processed', 'delivered', 'open', 'click'] as const;
const OBJECTS_PER_ROUND = 6;
const ROUNDS = 3;
const STATUS_OF: Record<string, string | undefined> = { processed: 'sent', delivered: 'delivered' };
/** See send-throughput.ts and bench/README.md: an assumption of the benchmark, not a measurement of AWS. */
const NETWORK_DYNAMODB_MS = 5;

// The SDK copies @mailroom/core resolves (the workspace root does not depend on the SDK itself).
type Command = new (input: object) => never;
const PutObjectCommand = fromCore<Command>('@aws-sdk/client-s3', 'PutObjectCommand');
const UpdateCommand = fromCore<Command>('@aws-sdk/lib-dynamodb', 'UpdateCommand');

type Event = Record<string, unknown> & { mailroom_message_id: string; event: string };

export async function trackThroughput(): Promise<BenchResult> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
  try {
    const region = 'us-east-1';
    const table = cloud.outputs.outbound.MessagesTableName!;
    const bucket = cloud.outputs.events.LakeBucketName!;
    Object.assign(process.env, cloud.env, { MAILROOM_STAGE: 'local', MAILROOM_MESSAGES_TABLE: table });
    const { trackHandler } = await import('../services/events/src/functions/track/handler');
    const { createTrackDeps } = await import('../services/events/src/wiring');
    const { trackConfig } = await import('../services/events/src/config');
    const deps = createTrackDeps(trackConfig());
    const handler = trackHandler(async () => deps);
    const doc = createDynamoDocumentClient({ region, endpoint: cloud.endpoints.dynamodb });
    const s3 = createS3Client({ region, endpoint: cloud.endpoints.aws });
    const messages = new DynamoMessageStore(doc, table);
    const requests = countDynamoRequests();
    let redeliveries = 0;

    /** Messages recorded `sent`, and their events, spread over a round's hour. */
    const prepare = async () => {
      const ids = Array.from({ length: MESSAGES_PER_ROUND }, () => newId());
      for (const id of ids) {
        await messages.create({
          id,
          tenantId: 'acme',
          createdAt: new Date().toISOString(),
          from: 'shop@acme.example',
          to: [`${id.toLowerCase()}@example.com`],
          subject: 'Your order',
          recipients: [`${id.toLowerCase()}@example.com`],
        });
        await messages.transition(id, 'acme', {
          status: 'sent',
          provider: 'sendgrid',
          providerMessageId: `pm-${id}`,
          event: { type: 'sent', provider: 'sendgrid', data: {} },
        });
      }
      const base = Math.floor(Date.now() / 1000);
      const events: Event[] = ids.flatMap((id, m) =>
        TYPES.map((event, t) => ({
          email: `${id.toLowerCase()}@example.com`,
          timestamp: base + t * 10 + (m % 10),
          event,
          sg_event_id: `${id}-${t}`,
          sg_message_id: `pm-${id}.filterdrecv-1`,
          mailroom_message_id: id,
          category: ['orders'],
          ...(event === 'delivered' && { response: '250 OK' }),
          ...(event === 'click' && { url: 'https://acme.example/orders/1042' }),
          ...((event === 'open' || event === 'click') && { useragent: 'Mozilla/5.0', ip: '192.0.2.1' }),
        })),
      );
      return { ids, events };
    };

    const ours = async (events: Event[]) => {
      const keys: string[] = [];
      for (let o = 0; o < OBJECTS_PER_ROUND; o += 1) {
        const key = `provider=sendgrid/year=2026/month=12/day=03/hour=12/bench-${newId()}`;
        const lines = events
          .filter((_, i) => i % OBJECTS_PER_ROUND === o)
          .map((e) => `${JSON.stringify(e)}\n`);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(lines.join('')) }));
        keys.push(key);
      }
      const event: SQSEvent = {
        Records: keys.map((key, i) => ({
          messageId: `bench-${i}`,
          receiptHandle: `bench-${i}`,
          body: JSON.stringify({
            Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key } } }],
          }),
          attributes: {} as never,
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
          awsRegion: region,
        })),
      };
      // A failed record comes back as SQS would bring it back (DynamoDB Local on a busy 2-core machine
      // can time out under the tracker's concurrent writes); the time of every try counts.
      const started = performance.now();
      let records = event.Records;
      for (let tries = 1; records.length > 0; tries += 1) {
        if (tries > 5) throw new Error(`track failed ${records.length} objects 5 times`);
        if (tries > 1) {
          // SQS would hold a failed record for its visibility timeout; a short pause, timed too.
          redeliveries += records.length;
          await new Promise((resolve) => setTimeout(resolve, 1000 * (tries - 1)));
        }
        const { batchItemFailures } = (await handler(
          { Records: records },
          lambdaContext('track'),
        )) as unknown as {
          batchItemFailures: { itemIdentifier: string }[];
        };
        const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
        records = records.filter((r) => failed.has(r.messageId));
      }
      return performance.now() - started;
    };

    const baseline = async (events: Event[]) => {
      const started = performance.now();
      for (const e of events) {
        const status = STATUS_OF[e.event];
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: `MSG#${e.mailroom_message_id}`, sk: 'MSG' },
            UpdateExpression: `SET updatedAt = :now${status ? ', #status = :status' : ''} ADD eventCount :one`,
            ExpressionAttributeValues: {
              ':now': new Date().toISOString(),
              ':one': 1,
              ...(status && { ':status': status }),
            },
            ...(status && { ExpressionAttributeNames: { '#status': 'status' } }),
          }),
        );
      }
      return performance.now() - started;
    };

    const compare = async (latency: number) => {
      networkLatency({ dynamodb: latency, ses: 0 });
      const side = () => ({ events: 0, ms: 0, dynamoRequests: 0 });
      const o = side();
      const b = side();
      try {
        for (let r = 0; r < ROUNDS; r += 1) {
          // Set-up (messages, lake objects) is not measured and runs without the added latency.
          networkLatency({ dynamodb: 0, ses: 0 });
          const mine = await prepare();
          const theirs = await prepare();
          networkLatency({ dynamodb: latency, ses: 0 });
          requests.reset();
          o.ms += await ours(mine.events);
          o.dynamoRequests += Object.values(requests.counts()).reduce((x, y) => x + y, 0);
          o.events += mine.events.length;
          requests.reset();
          b.ms += await baseline(theirs.events);
          b.dynamoRequests += Object.values(requests.counts()).reduce((x, y) => x + y, 0);
          b.events += theirs.events.length;
          networkLatency({ dynamodb: 0, ses: 0 });
          // Ours must have folded correctly: every message delivered.
          for (const id of mine.ids) {
            const status = (await messages.get(id))?.status;
            if (status !== 'delivered') throw new Error(`message ${id} is ${status}, not delivered`);
          }
        }
      } finally {
        networkLatency({ dynamodb: 0, ses: 0 });
      }
      const perSecond = (s: typeof o) => round(s.events / (s.ms / 1000));
      const requestsPerEvent = (s: typeof o) => round(s.dynamoRequests / s.events);
      return {
        ours: { eventsPerSecond: perSecond(o), dynamoRequestsPerEvent: requestsPerEvent(o) },
        baseline: { eventsPerSecond: perSecond(b), dynamoRequestsPerEvent: requestsPerEvent(b) },
        ratio: round(perSecond(o) / perSecond(b)),
      };
    };

    // Warm-up, not measured: DynamoDB Local's JVM and both paths' clients, as in send-throughput.
    {
      // The baseline's serial writes first: they warm the JVM gently before the tracker's concurrent ones.
      const warm = await prepare();
      await baseline(warm.events);
      await ours(warm.events);
      redeliveries = 0;
    }
    const network = await compare(NETWORK_DYNAMODB_MS);
    const loopback = await compare(0);
    doc.destroy();
    s3.destroy();
    return {
      name: 'track-throughput',
      unit: 'events/s',
      ours: network.ours.eventsPerSecond,
      baseline: network.baseline.eventsPerSecond,
      ratio: network.ratio,
      notes:
        `${ROUNDS} interleaved rounds a side of ${MESSAGES_PER_ROUND * TYPES.length} SendGrid events ` +
        `(${MESSAGES_PER_ROUND} messages × processed, delivered, open, click). Ours: the track handler on one ` +
        `SQS batch of ${OBJECTS_PER_ROUND} gzip NDJSON lake objects in fauxqs S3 (events spread over them), ` +
        `dedupe + precedence + timeline + counters + S3 read included. Baseline: one UpdateItem per event in ` +
        `sequence (status and an event count; no dedupe, timeline or counters). Headline with +${NETWORK_DYNAMODB_MS} ms ` +
        `per DynamoDB request (S3 reads not delayed); bare loopback ratio ${loopback.ratio}. ` +
        `Objects a failed track invocation brought back (and timed): ${redeliveries}.`,
      network,
      loopback,
      redeliveries,
    };
  } finally {
    await cloud.stop();
  }
}
