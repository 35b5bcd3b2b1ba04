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
import { listenOnLoopback, type LoopbackServer } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
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
 * The whole path in the local cloud: a status change written to DynamoDB Local's messages table goes
 * through its stream (serverless-offline-dynamodb-streams) to the events service's notify function,
 * which posts it, signed, to a receiver on this machine; a receiver that refuses lands in the notify DLQ.
 */
describe('status webhooks in the local cloud', () => {
  let cloud: LocalCloud;
  let ok: Awaited<ReturnType<typeof receiver>>;
  let refusing: Awaited<ReturnType<typeof receiver>>;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let sqs: ReturnType<typeof createSqsClient>;
  let ssm: ReturnType<typeof createSsmClient>;
  let messages: DynamoMessageStore;
  const secret = 'whsec_local_e2e';

  beforeAll(async () => {
    [ok, refusing] = await Promise.all([receiver(204), receiver(400)]);
    cloud = await startLocalCloud({ ports: 'auto', services: ['events'] });
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
  });
  afterAll(async () => {
    doc?.destroy();
    sqs?.destroy();
    ssm?.destroy();
    await cloud?.stop();
    await ok?.close();
    await refusing?.close();
  });

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
});
