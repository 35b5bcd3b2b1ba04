/**
 * status-read: latency of `GET /v1/messages/{id}` — the api service's real handler and wiring, in
 * process, API key authentication included — against a bare DynamoDB GetItem of the same message item
 * from the same document client, 32 concurrent clients on each side, interleaved rounds of the same run
 * against DynamoDB Local. `ratio` = bare p50 / ours p50: 0.5 means twice a single read, which is what
 * a key lookup on every request costs (docs/api-keys.md). A third side, measured for comparison only,
 * runs the same handler with the key cache taken out (the table read on every request, as before it).
 * Headline under the network model of send-throughput (+5 ms per DynamoDB request), loopback beside it.
 */
import { newId } from '@mailroom/core';
import { createDynamoDocumentClient, DynamoMessageStore, DynamoTenantStore } from '@mailroom/core/aws';
import { lambdaContext } from '@mailroom/core/testing';
import { startLocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { countDynamoRequests, fromCore, networkLatency } from './harness';
import { round, type BenchResult } from './result';

const CLIENTS = 32;
/** Requests each client makes per round, one after another. */
const PER_CLIENT = 25;
const ROUNDS = 3;
/** See send-throughput.ts and bench/README.md: an assumption of the benchmark, not a measurement of AWS. */
const NETWORK_DYNAMODB_MS = 5;

type Command = new (input: object) => never;
const GetCommand = fromCore<Command>('@aws-sdk/lib-dynamodb', 'GetCommand');

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** `CLIENTS` clients, each making `PER_CLIENT` calls in sequence; every call's milliseconds. */
async function clients(call: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < PER_CLIENT; i += 1) {
        const started = performance.now();
        await call();
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

export async function statusRead(): Promise<BenchResult> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
  try {
    const messagesTable = cloud.outputs.outbound.MessagesTableName!;
    const tenantsTable = cloud.outputs.outbound.TenantsTableName!;
    // The api service's config; only the messages and tenants tables are used by this route.
    Object.assign(process.env, cloud.env, {
      MAILROOM_STAGE: 'local',
      MAILROOM_MESSAGES_TABLE: messagesTable,
      MAILROOM_TENANTS_TABLE: tenantsTable,
      MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/local/webhooks',
      MAILROOM_INBOUND_TABLE: 'unused-inbound',
      MAILROOM_RECEIPT_BUCKET: 'unused-receipts',
      MAILROOM_INBOUND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/unused',
      MAILROOM_SEND_QUEUE_URL: 'http://127.0.0.1:1/000000000000/unused-send',
      MAILROOM_REQUESTS_BUCKET: 'unused-requests',
      MAILROOM_CURSOR_KEY: 'status-read-bench-cursor-key-0123456789abcdef',
    });
    const { handler } = await import('../services/api/src/functions/get-message/handler');
    const { apiDeps } = await import('../services/api/src/wiring');
    const deps = await apiDeps();
    const cached = deps.keys;

    // One tenant, one read key, one sent message with its timeline (set-up, not measured).
    const setupDoc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    const tenants = new DynamoTenantStore(setupDoc, tenantsTable);
    await tenants.createTenant('acme');
    const { key } = await tenants.createApiKey('acme', ['read']);
    const messages = new DynamoMessageStore(setupDoc, messagesTable);
    const id = newId();
    const to = ['ana@example.com'];
    await messages.create({
      id,
      tenantId: 'acme',
      createdAt: new Date().toISOString(),
      from: 'shop@acme.example',
      to,
      subject: 'Your order',
      recipients: to,
    });
    for (const status of ['sending', 'sent', 'delivered'] as const) {
      await messages.transition(id, 'acme', {
        status,
        provider: 'ses',
        ...(status === 'sending' && { countAttempt: true }),
        ...(status === 'sent' && { providerMessageId: 'ses-1' }),
        event: { type: status, provider: 'ses', data: {} },
      });
    }

    const event = {
      rawPath: `/v1/messages/${id}`,
      routeKey: 'GET /v1/messages/{id}',
      requestContext: { http: { method: 'GET', sourceIp: '192.0.2.1' } },
      headers: { authorization: `Bearer ${key}` },
      pathParameters: { id },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    const ours = async () => {
      const answer = (await handler(event, lambdaContext('getMessage'))) as APIGatewayProxyStructuredResultV2;
      if (answer.statusCode !== 200) throw new Error(`GET /v1/messages/{id} answered ${answer.statusCode}`);
    };
    const bare = async () => {
      const { Item } = (await deps.doc.send(
        new GetCommand({ TableName: messagesTable, Key: { pk: `MSG#${id}`, sk: 'MSG' } }),
      )) as { Item?: unknown };
      if (!Item) throw new Error('GetItem found no message');
    };
    /** The same handler with every request reading the key from the table: the path before the key cache. */
    const uncachedRound = async () => {
      deps.keys = tenants as unknown as typeof cached;
      try {
        return await clients(ours);
      } finally {
        deps.keys = cached;
      }
    };

    const requests = countDynamoRequests();
    const compare = async (latency: number) => {
      const times = { ours: [] as number[], bare: [] as number[], uncached: [] as number[] };
      const counts = { ours: 0, bare: 0, uncached: 0 };
      networkLatency({ dynamodb: latency, ses: 0 });
      try {
        for (let r = 0; r < ROUNDS; r += 1) {
          for (const side of ['ours', 'bare'] as const) {
            requests.reset();
            times[side].push(...(await clients(side === 'ours' ? ours : bare)));
            counts[side] += Object.values(requests.counts()).reduce((a, b) => a + b, 0);
          }
        }
        // The comparison side last, in rounds of its own (it swaps the container's key lookup out).
        for (let r = 0; r < ROUNDS; r += 1) {
          requests.reset();
          times.uncached.push(...(await uncachedRound()));
          counts.uncached += Object.values(requests.counts()).reduce((a, b) => a + b, 0);
        }
      } finally {
        networkLatency({ dynamodb: 0, ses: 0 });
      }
      const stats = (side: keyof typeof times) => {
        const sorted = [...times[side]].sort((a, b) => a - b);
        return {
          p50Ms: round(percentile(sorted, 50)),
          p99Ms: round(percentile(sorted, 99)),
          requests: sorted.length,
          dynamoRequestsPerRequest: round(counts[side] / sorted.length, 3),
        };
      };
      const o = stats('ours');
      const b = stats('bare');
      return { ours: o, bare: b, uncached: stats('uncached'), ratio: round(b.p50Ms / o.p50Ms) };
    };

    // Warm-up, not measured: DynamoDB Local's JVM, both paths' clients, the key in the cache.
    await clients(ours);
    await clients(bare);
    const network = await compare(NETWORK_DYNAMODB_MS);
    const loopback = await compare(0);
    setupDoc.destroy();
    return {
      name: 'status-read',
      unit: 'ms (p50)',
      ours: network.ours.p50Ms,
      baseline: network.bare.p50Ms,
      ratio: network.ratio,
      notes:
        `${CLIENTS} concurrent clients × ${PER_CLIENT} requests, ${ROUNDS} interleaved rounds a side, against ` +
        `DynamoDB Local. Ours: GET /v1/messages/{id} through the api service's handler and wiring in process ` +
        `(middleware stack, API key with the per-container key cache, consistent Query of the message and ` +
        `its timeline); baseline: a bare GetItem of the message item from the same document client. ` +
        `Headline with +${NETWORK_DYNAMODB_MS} ms per DynamoDB request (an assumed round trip, not measured ` +
        `on AWS): ours p50 ${network.ours.p50Ms} / p99 ${network.ours.p99Ms} ms vs bare p50 ` +
        `${network.bare.p50Ms} / p99 ${network.bare.p99Ms} ms, ${network.ours.dynamoRequestsPerRequest} ` +
        `DynamoDB requests per GET. Over bare loopback: ours p50 ${loopback.ours.p50Ms} / p99 ` +
        `${loopback.ours.p99Ms} ms vs ${loopback.bare.p50Ms} / ${loopback.bare.p99Ms} ms, ratio ${loopback.ratio} ` +
        `(CPU-bound there: the handler's own work, not a round trip). For comparison, the same handler and clients with ` +
        `the key read from the table on every request (no key cache): p50 ${network.uncached.p50Ms} / p99 ` +
        `${network.uncached.p99Ms} ms, ${network.uncached.dynamoRequestsPerRequest} DynamoDB requests per GET, ` +
        `bare p50 / that p50 = ${round(network.bare.p50Ms / network.uncached.p50Ms)}. ` +
        `Measured on a 2-core machine shared with other work (busy): absolute figures vary run to run.`,
      network,
      loopback,
    };
  } finally {
    await cloud.stop();
  }
}
