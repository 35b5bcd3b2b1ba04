import { createServer, type IncomingMessage } from 'node:http';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  verifySignatureHeader,
  WebhookRejectedError,
  WebhookUnavailableError,
  type MailroomError,
} from '@mailroom/core';
import { createSsmClient } from '@mailroom/core/aws';
import { listenOnLoopback, silentServer, type LoopbackServer } from '@mailroom/core/testing';
import { startSsmStandIn, type SsmStandIn } from '@mailroom/local';
import { SecretUnavailableError, WebhookSecretMissingError } from '../../../src/destinations/errors';
import { deliveryPayload } from '../../../src/destinations/payload';
import { ParameterStoreSecrets } from '../../../src/destinations/secrets';
import { WebhookDestination, type WebhookDestinationDeps } from '../../../src/destinations/webhook';
import { delivery } from '../../support/delivery';

const SECRET_NAME = '/mailroom/local/routes/in.acme.localhost/webhook-secret';
const SECRET = 'whsec-local-test-secret';

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A webhook receiver on loopback answering each request with the next status (the last one repeats). */
async function receiver(statuses: number[]): Promise<LoopbackServer & { requests: Received[] }> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const status = statuses[Math.min(requests.length - 1, statuses.length - 1)]!;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  return Object.assign(await listenOnLoopback(server), { requests });
}

describe('webhook destination (real HTTP receiver, Parameter Store stand-in)', () => {
  let ssm: SsmStandIn;
  let client: ReturnType<typeof createSsmClient>;
  const servers: LoopbackServer[] = [];
  let sleeps: number[];

  const destination = (url: string, overrides: Partial<WebhookDestinationDeps> = {}) =>
    new WebhookDestination(
      { url, secretParameter: SECRET_NAME },
      {
        secrets: new ParameterStoreSecrets(client),
        // Backoff delays are recorded, not waited: the schedule is asserted, the test stays fast.
        sleep: async (ms) => void sleeps.push(ms),
        ...overrides,
      },
    );

  beforeAll(async () => {
    ssm = await startSsmStandIn({ port: 0, host: '127.0.0.1' });
    client = createSsmClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ssm.port}` });
    await client.send(
      new PutParameterCommand({ Name: SECRET_NAME, Type: 'SecureString', Value: SECRET, Overwrite: true }),
    );
  });
  beforeEach(() => {
    sleeps = [];
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    client?.destroy();
    await ssm?.close();
  });

  it('POSTs the payload as JSON with a Mailroom-Signature that verifies with the route secret', async () => {
    const hook = await receiver([204]);
    servers.push(hook);
    const mail = delivery();
    await destination(`${hook.url}/inbound`).deliver(mail);

    expect(hook.requests).toHaveLength(1);
    const [{ headers, body }] = hook.requests as [Received];
    expect(verifySignatureHeader(headers['mailroom-signature'] as string, body, SECRET)).toBe(true);
    expect(verifySignatureHeader(headers['mailroom-signature'] as string, body, 'another-secret')).toBe(
      false,
    );
    expect(headers['content-type']).toBe('application/json');
    expect(headers['mailroom-delivery-id']).toBe(mail.record.id);
    expect(JSON.parse(body.toString('utf8'))).toEqual(deliveryPayload(mail));
    expect(JSON.parse(body.toString('utf8'))).toMatchObject({
      id: mail.record.id,
      subject: 'こんにちは',
      recipients: ['support@in.acme.localhost', 'audit@in.acme.localhost'],
      attachments: [
        { filename: 'invoice.pdf', contentType: 'application/pdf', size: 48213, url: expect.any(String) },
      ],
    });
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx and 429 with backoff inside one invocation, the same signed body each time', async () => {
    const hook = await receiver([503, 429, 200]);
    servers.push(hook);
    await destination(hook.url, { random: () => 0.5 }).deliver(delivery());
    expect(hook.requests).toHaveLength(3);
    expect(new Set(hook.requests.map((r) => r.body.toString()))).toEqual(
      new Set([hook.requests[0]!.body.toString()]),
    );
    for (const r of hook.requests) {
      expect(verifySignatureHeader(r.headers['mailroom-signature'] as string, r.body, SECRET)).toBe(true);
    }
    // Full jitter over 1 s, then 2 s.
    expect(sleeps).toEqual([500, 1000]);
  });

  it('gives up with WebhookUnavailableError after the last try when the receiver keeps failing', async () => {
    const hook = await receiver([500]);
    servers.push(hook);
    const error = await destination(hook.url)
      .deliver(delivery())
      .catch((e: MailroomError) => e);
    expect(error).toBeInstanceOf(WebhookUnavailableError);
    expect(error).toMatchObject({ retryable: true, status: 500 });
    expect(hook.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('retries a receiver that is down (connections dropped), then throws WebhookUnavailableError', async () => {
    let connections = 0;
    const down = createServer();
    down.on('connection', (socket) => {
      connections++;
      socket.destroy();
    });
    const hook = await listenOnLoopback(down);
    servers.push(hook);
    const error = await destination(hook.url)
      .deliver(delivery())
      .catch((e: MailroomError) => e);
    expect(error).toBeInstanceOf(WebhookUnavailableError);
    expect(connections).toBeGreaterThanOrEqual(3);
    expect(sleeps).toHaveLength(2);
  });

  it('treats a receiver that never answers as unavailable once each try times out', async () => {
    const hook = await silentServer();
    servers.push(hook);
    const error = await destination(hook.url, {
      timeoutMs: 200,
      retry: { attempts: 2, baseMs: 10, capMs: 10 },
    })
      .deliver(delivery())
      .catch((e: MailroomError) => e);
    expect(error).toBeInstanceOf(WebhookUnavailableError);
    expect(sleeps).toHaveLength(1);
  });

  it.each([400, 404, 410, 422])(
    'takes a %i as final: WebhookRejectedError after one call, no retry',
    async (status) => {
      const hook = await receiver([status, 200]);
      servers.push(hook);
      const error = await destination(hook.url)
        .deliver(delivery())
        .catch((e: MailroomError) => e);
      expect(error).toBeInstanceOf(WebhookRejectedError);
      expect(error).toMatchObject({ retryable: false, status });
      expect(hook.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );

  it('fails without posting when the secret parameter does not exist (WebhookSecretMissingError, permanent)', async () => {
    const hook = await receiver([200]);
    servers.push(hook);
    const missing = new WebhookDestination(
      { url: hook.url, secretParameter: '/mailroom/local/routes/nobody/webhook-secret' },
      { secrets: new ParameterStoreSecrets(client), sleep: async () => {} },
    );
    await expect(missing.deliver(delivery())).rejects.toMatchObject({
      constructor: WebhookSecretMissingError,
      retryable: false,
    });
    expect(hook.requests).toHaveLength(0);
  });
});

describe('Parameter Store secrets', () => {
  let ssm: SsmStandIn;
  let client: ReturnType<typeof createSsmClient>;
  const name = '/mailroom/local/routes/rotating/webhook-secret';
  const put = (Value: string) =>
    client.send(new PutParameterCommand({ Name: name, Type: 'SecureString', Value, Overwrite: true }));

  beforeAll(async () => {
    ssm = await startSsmStandIn({ port: 0, host: '127.0.0.1' });
    client = createSsmClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ssm.port}` });
  });
  afterAll(async () => {
    client?.destroy();
    await ssm?.close();
  });

  it('keeps a secret for the TTL, then reads the rotated one', async () => {
    let now = 1_000_000;
    const secrets = new ParameterStoreSecrets(client, { ttlMs: 60_000, now: () => now });
    await put('first');
    await expect(secrets.get(name)).resolves.toBe('first');
    await put('second');
    now += 59_999;
    await expect(secrets.get(name)).resolves.toBe('first');
    now += 1;
    await expect(secrets.get(name)).resolves.toBe('second');
  });

  it('does not keep a failed read', async () => {
    const secrets = new ParameterStoreSecrets(client);
    const late = '/mailroom/local/routes/late/webhook-secret';
    await expect(secrets.get(late)).rejects.toBeInstanceOf(WebhookSecretMissingError);
    await client.send(new PutParameterCommand({ Name: late, Type: 'SecureString', Value: 'now-here' }));
    await expect(secrets.get(late)).resolves.toBe('now-here');
  });

  it('turns other SSM failures into a retryable SecretUnavailableError', async () => {
    const throttled = {
      send: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })),
    };
    await expect(new ParameterStoreSecrets(throttled).get(name)).rejects.toMatchObject({
      constructor: SecretUnavailableError,
      retryable: true,
    });
  });
});
