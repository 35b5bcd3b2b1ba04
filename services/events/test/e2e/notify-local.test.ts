import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { newId, verifySignatureHeader, type MessageStatus } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createSqsClient,
  createSsmClient,
  DynamoMessageStore,
  DynamoWebhookEndpointStore,
  SsmWebhookSecrets,
} from '@mailroom/core/aws';
import { invokeHttp, listenOnLoopback, type LoopbackServer } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createServer, type IncomingHttpHeaders } from 'node:http';

jest.setTimeout(300_000);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on loopback that answers every POST with `status` and keeps what it got. */
async function receiver(status: number): Promise<LoopbackServer & { received: Received[] }> {
  const received: Received[] = [];
  const server = await listenOnLoopback(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(status).end();
      });
    }),
  );
  return { ...server, received };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs: number): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The whole path in the local cloud, one cloud for every test: a status change written to DynamoDB
 * Local's messages table goes through its stream (serverless-offline-dynamodb-streams) to the events
 * service's notify function, which posts it, signed, to a receiver on this machine; a receiver that
 * refuses lands in the notify DLQ. And the round trip: mail sent through outbound's HTTP API, the SES
 * stand-in's events through Firehose, the lake and the tracker into status, timeline, stats, the
 * suppression list and a webhook registered through the API.
 */
describe('status webhooks and the event round trip in the local cloud', () => {
  let cloud: LocalCloud;
  let ok: Awaited<ReturnType<typeof receiver>>;
  let refusing: Awaited<ReturnType<typeof receiver>>;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let sqs: ReturnType<typeof createSqsClient>;
  let ssm: ReturnType<typeof createSsmClient>;
  let messages: DynamoMessageStore;
  let tenantHook: Awaited<ReturnType<typeof receiver>>;
  /** The secret `POST /v1/webhooks` answered for tenantHook's endpoint (acme, every status). */
  let tenantHookSecret: string;
  const secret = 'whsec_local_e2e';
  const acme = { authorization: 'Bearer dev-acme-key', 'content-type': 'application/json' };

  beforeAll(async () => {
    [ok, refusing, tenantHook] = await Promise.all([receiver(204), receiver(400), receiver(204)]);
    // Outbound (HTTP accept, the send function) and events (track, notify) run under serverless-offline;
    // the read API's handlers run in this process against the same cloud (one service fewer to start).
    cloud = await startLocalCloud({ ports: 'auto', services: ['outbound', 'events'] });
    Object.assign(process.env, cloud.env, {
      POWERTOOLS_LOG_LEVEL: 'WARN',
      MAILROOM_MESSAGES_TABLE: cloud.outputs.outbound.MessagesTableName,
      MAILROOM_TENANTS_TABLE: cloud.outputs.outbound.TenantsTableName,
      MAILROOM_INBOUND_TABLE: cloud.outputs.inbound.InboundTableName,
      MAILROOM_RECEIPT_BUCKET: cloud.outputs.inbound.ReceiptBucketName,
      MAILROOM_INBOUND_QUEUE_URL: cloud.outputs.inbound.InboundQueueUrl,
      MAILROOM_SEND_QUEUE_URL: cloud.outputs.outbound.SendQueueUrl,
      MAILROOM_REQUESTS_BUCKET: cloud.outputs.outbound.RequestsBucketName,
      MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/local/webhooks',
      MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP: 'true',
    });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    ssm = createSsmClient({ region: 'us-east-1', endpoint: cloud.endpoints.ssm });
    messages = new DynamoMessageStore(doc, cloud.outputs.outbound.MessagesTableName!);
    const endpoints = new DynamoWebhookEndpointStore(doc, cloud.outputs.outbound.TenantsTableName!);
    const secrets = new SsmWebhookSecrets(ssm);
    for (const [tenantId, url, events] of [
      ['acme', `${ok.url}/hooks`, ['sent']],
      ['globex', `${refusing.url}/hooks`, ['sent']],
    ] as const) {
      const id = newId();
      const secretParameter = `/mailroom/local/webhooks/${tenantId}/${id}`;
      await secrets.put(secretParameter, secret);
      await endpoints.create({ id, tenantId, url, events: [...events], secretParameter });
    }
    // Registered before any acme mail moves: notify keeps a tenant's endpoints for 30 s once read.
    const res = await api('create-webhook', { body: { url: `${tenantHook.url}/mailroom` } });
    expect(res.statusCode).toBe(201);
    tenantHookSecret = (JSON.parse(res.body!) as { secret: string }).secret;
  });
  afterAll(async () => {
    doc?.destroy();
    sqs?.destroy();
    ssm?.destroy();
    await cloud?.stop();
    await ok?.close();
    await refusing?.close();
    await tenantHook?.close();
  });

  /** Calls one of the read API's handlers as API Gateway would, with acme's dev key. */
  async function api(
    fn: 'create-webhook' | 'get-message' | 'get-stats',
    request: { body?: object; id?: string; query?: Record<string, string> },
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const { handler } = (await import(`../../../api/src/functions/${fn}/handler`)) as {
      handler: Parameters<typeof invokeHttp>[0];
    };
    return invokeHttp(handler)({
      headers: { authorization: 'Bearer dev-acme-key', 'content-type': 'application/json' },
      requestContext: { http: { method: request.body ? 'POST' : 'GET', sourceIp: '127.0.0.1' } },
      pathParameters: request.id ? { id: request.id } : undefined,
      queryStringParameters: request.query,
      body: request.body ? JSON.stringify(request.body) : undefined,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
  }

  /** A message of `tenantId` taken queued → sending → sent, as the send function writes it. */
  async function sendOne(tenantId: string): Promise<string> {
    const id = newId();
    await messages.create({
      id,
      tenantId,
      createdAt: new Date().toISOString(),
      from: 'shop@acme.example',
      to: ['ana@example.com'],
      subject: 'Order 1',
      recipients: ['ana@example.com'],
    });
    const to = async (status: MessageStatus, extra: object = {}) =>
      messages.transition(id, tenantId, {
        status,
        provider: 'ses',
        event: { type: status, provider: 'ses', data: {} },
        ...extra,
      });
    await to('sending', { countAttempt: true });
    await to('sent', { providerMessageId: `ses-${id}`, lastError: null });
    return id;
  }

  /**
   * The stream reader starts at LATEST when the service starts; a change written in the instant before
   * it took its iterator would be missed, so send again (a new message) until one arrives.
   */
  async function firstDelivered(
    tenantId: string,
    got: () => Received[],
  ): Promise<{ id: string; received: Received }> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const id = await sendOne(tenantId);
      try {
        const received = await until(
          `a webhook for ${id}`,
          async () => got().find((r) => r.body.includes(id)),
          10_000,
        );
        return { id, received };
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
  }

  it('posts a status change to the tenant’s receiver, signed with its secret, only for subscribed statuses', async () => {
    const { id, received } = await firstDelivered('acme', () => ok.received);
    expect(
      verifySignatureHeader(received.headers['mailroom-signature'] as string, received.body, secret),
    ).toBe(true);
    expect(
      verifySignatureHeader(received.headers['mailroom-signature'] as string, received.body, 'whsec_other'),
    ).toBe(false);
    const body = JSON.parse(received.body) as Record<string, unknown>;
    expect(body).toEqual({
      id: received.headers['mailroom-delivery-id'],
      type: 'message.status',
      messageId: id,
      tenantId: 'acme',
      status: 'sent',
      previousStatus: 'sending',
      at: expect.any(String),
      providerMessageId: `ses-${id}`,
    });
    // queued → sending is not subscribed: only the one POST for this message.
    expect(ok.received.filter((r) => r.body.includes(id))).toHaveLength(1);
    expect(refusing.received.some((r) => r.body.includes(id))).toBe(false);
  });

  it('puts a delivery the receiver refuses in the notify DLQ', async () => {
    const { id } = await firstDelivered('globex', () => refusing.received);
    const queueUrl = cloud.outputs.events.NotifyDLQUrl!;
    const parked = await until(
      `the DLQ message for ${id}`,
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        return Messages.map((m) => JSON.parse(m.Body ?? '{}') as Record<string, unknown>).find(
          (m) => (m.body as { messageId?: string } | undefined)?.messageId === id,
        );
      },
      60_000,
    );
    expect(parked).toMatchObject({
      kind: 'mailroom.webhook.failed',
      tenantId: 'globex',
      url: `${refusing.url}/hooks`,
      attempts: 1,
      error: expect.stringContaining('answered 400'),
      body: { messageId: id, status: 'sent', previousStatus: 'sending' },
    });
  });

  describe('round trip: outbound HTTP → SES stand-in events → Firehose → lake → track', () => {
    interface Message {
      status: string;
      events: { type: string }[];
    }
    const COUNTED = ['sent', 'delivered', 'bounced', 'complained'] as const;
    type Stats = Record<(typeof COUNTED)[number], number>;

    const send = async (to: string): Promise<string> => {
      const res = await fetch(`${cloud.endpoints.outbound}/v1/messages`, {
        method: 'POST',
        headers: acme,
        body: JSON.stringify({ from: 'shop@acme.example', to: [to], subject: 'Round trip', text: 'Hi.' }),
      });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };
    const message = async (id: string): Promise<Message> => {
      const res = await api('get-message', { id });
      expect(res.statusCode).toBe(200);
      return JSON.parse(res.body!) as Message;
    };
    const settlesAt = (id: string, status: string) =>
      until(
        `${id} ${status}`,
        async () => {
          const found = await message(id);
          return found.status === status ? found : undefined;
        },
        120_000,
      );
    /** acme's counters summed over the hours around now. */
    const stats = async (): Promise<Stats> => {
      const hour = 3600_000;
      const query = {
        since: new Date(Date.now() - 2 * hour).toISOString(),
        until: new Date(Date.now() + 2 * hour).toISOString(),
        interval: 'hour',
      };
      const res = await api('get-stats', { query });
      expect(res.statusCode).toBe(200);
      const { buckets } = JSON.parse(res.body!) as { buckets: Partial<Stats>[] };
      return Object.fromEntries(
        COUNTED.map((c) => [c, buckets.reduce((n, b) => n + (b[c] ?? 0), 0)]),
      ) as Stats;
    };
    /** Every status tenantHook was told of for `id`, each signature checked. */
    const told = (id: string) =>
      tenantHook.received
        .filter((r) => r.body.includes(id))
        .map((r) => {
          expect(
            verifySignatureHeader(r.headers['mailroom-signature'] as string, r.body, tenantHookSecret),
          ).toBe(true);
          return JSON.parse(r.body) as { messageId: string; status: string };
        })
        .filter((b) => b.messageId === id)
        .map((b) => b.status);

    it('moves status, timeline and stats, suppresses the bounced address and tells the tenant’s webhook, signed', async () => {
      const before = await stats();
      const delivered = await send('success@simulator.amazonses.com');
      const bounced = await send('bounce@simulator.amazonses.com');
      const complained = await send('complaint@simulator.amazonses.com');

      const [d, b, c] = await Promise.all([
        settlesAt(delivered, 'delivered'),
        settlesAt(bounced, 'bounced'),
        settlesAt(complained, 'complained'),
      ]);
      const types = (m: Message) => m.events.map((e) => e.type);
      expect(types(d)).toEqual(expect.arrayContaining(['queued', 'sending', 'sent', 'delivered']));
      expect(types(b)).toEqual(expect.arrayContaining(['queued', 'sent', 'bounced']));
      expect(types(c)).toEqual(expect.arrayContaining(['queued', 'sent', 'delivered', 'complained']));

      // Counters are written once per lake object, after the statuses: wait for them to add up.
      const after = await until(
        'the stats',
        async () => {
          const now = await stats();
          return now.complained - before.complained >= 1 && now.bounced - before.bounced >= 1
            ? now
            : undefined;
        },
        60_000,
      );
      expect(Object.fromEntries(COUNTED.map((k) => [k, after[k] - before[k]]))).toEqual({
        sent: 3,
        delivered: 2,
        bounced: 1,
        complained: 1,
      });

      // The hard bounce put the address on acme's suppression list: the next mail to it is not sent.
      const again = await send('bounce@simulator.amazonses.com');
      const suppressed = await settlesAt(again, 'suppressed');
      expect(types(suppressed)).not.toContain('sent');

      // The tenant's webhook heard each change, signed with the secret POST /v1/webhooks gave.
      await until(
        'the webhooks',
        async () =>
          told(delivered).includes('delivered') &&
          told(bounced).includes('bounced') &&
          told(complained).includes('complained') &&
          told(again).includes('suppressed')
            ? true
            : undefined,
        60_000,
      );
      expect(told(delivered)).toEqual(expect.arrayContaining(['sending', 'sent', 'delivered']));
      // The tracker moves a status once per invocation, to the highest it reached (docs/events.md,
      // "Intermediate statuses"): a delivery and a complaint tracked together tell `complained` alone;
      // the timeline has both (above).
      expect(told(complained)).toEqual(expect.arrayContaining(['sent', 'complained']));
    });
  });
});
