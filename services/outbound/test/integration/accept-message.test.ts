import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, PurgeQueueCommand } from '@aws-sdk/client-sqs';
import {
  ConflictError,
  RateLimitedError,
  SenderDomainNotVerifiedError,
  toHttpError,
  SendQueueMessageSchema,
  ValidationError,
  type SendMailRequest,
} from '@mailroom/core';
import { createS3Client, createSqsClient, S3RequestStore } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { acceptMessage, type AcceptDeps } from '../../src/accept-message';
import { createHttpDeps } from '../../src/wiring';
import { outboundConfigFor } from '../support/cloud';

jest.setTimeout(120_000);

describe('accept use case (DynamoDB Local, fauxqs)', () => {
  let cloud: LocalCloud;
  let deps: AcceptDeps;
  let sqs: ReturnType<typeof createSqsClient>;
  let queueUrl: string;

  const request = (overrides: Partial<SendMailRequest> = {}): SendMailRequest => ({
    from: 'app@acme.example',
    to: ['ana@example.com'],
    subject: 'Welcome',
    text: 'Hello',
    ...overrides,
  });

  /** Everything on the send queue right now (and off it afterwards). */
  async function drainQueue() {
    const bodies: unknown[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages.length) return bodies;
      bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? 'null')));
    }
  }

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    deps = createHttpDeps(outboundConfigFor(cloud)).accept;
    sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    queueUrl = cloud.outputs.outbound.SendQueueUrl!;
  });
  beforeEach(() => sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl })));
  afterAll(async () => {
    sqs?.destroy();
    await cloud?.stop();
  });

  it('records the message queued and enqueues the contract queue body', async () => {
    const answer = await acceptMessage({ tenantId: 'acme', request: request() }, deps);
    expect(answer).toEqual({ id: expect.stringMatching(/^[0-9A-Z]{26}$/), status: 'queued' });

    const [body] = await drainQueue();
    const parsed = SendQueueMessageSchema.parse(body);
    expect(parsed).toMatchObject({ version: 1, id: answer.id, tenantId: 'acme', subject: 'Welcome' });
    const stored = await deps.messages.get(answer.id);
    expect(stored).toMatchObject({ status: 'queued', tenantId: 'acme', enqueuedAt: expect.any(String) });
    // The full request is kept in the requests bucket (what a retry or redrive re-sends).
    const requests = new S3RequestStore(
      createS3Client({ region: 'us-east-1', endpoint: cloud.endpoints.aws }),
      cloud.outputs.outbound.RequestsBucketName!,
    );
    // The tenant share's slot rides on the queue body only (rate/tenant-share.ts).
    const { shareSlotAt, ...request_ } = parsed;
    expect(shareSlotAt).toEqual(expect.any(Number));
    await expect(requests.get('acme', answer.id)).resolves.toEqual(request_);
  });

  it('answers a repeated idempotency key with the same body with the first answer, enqueued once', async () => {
    const first = await acceptMessage(
      { tenantId: 'acme', request: request(), idempotencyKey: 'order-1' },
      deps,
    );
    // Same body, other key order: still the same body.
    const reordered = {
      text: 'Hello',
      subject: 'Welcome',
      to: ['ana@example.com'],
      from: 'app@acme.example',
    };
    const again = await acceptMessage(
      { tenantId: 'acme', request: reordered, idempotencyKey: 'order-1' },
      deps,
    );
    expect(again).toEqual(first);
    expect(await drainQueue()).toHaveLength(1);
  });

  it('refuses an idempotency key reused with a different body (409)', async () => {
    await acceptMessage({ tenantId: 'acme', request: request(), idempotencyKey: 'order-2' }, deps);
    await expect(
      acceptMessage(
        { tenantId: 'acme', request: request({ subject: 'Other' }), idempotencyKey: 'order-2' },
        deps,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await drainQueue()).toHaveLength(1);
  });

  it('scopes idempotency keys to their tenant', async () => {
    const acme = await acceptMessage(
      { tenantId: 'acme', request: request(), idempotencyKey: 'shared' },
      deps,
    );
    const globex = await acceptMessage(
      { tenantId: 'globex', request: request({ from: 'app@globex.example' }), idempotencyKey: 'shared' },
      deps,
    );
    expect(globex.id).not.toBe(acme.id);
    expect(await drainQueue()).toHaveLength(2);
  });

  it('enqueues on replay a message whose first enqueue never finished', async () => {
    let calls = 0;
    const flaky: AcceptDeps = {
      ...deps,
      enqueue: async (m) => {
        calls += 1;
        if (calls === 1) throw new Error('SQS unavailable');
        await deps.enqueue(m);
      },
    };
    const input = { tenantId: 'acme', request: request(), idempotencyKey: 'order-3' };
    await expect(acceptMessage(input, flaky)).rejects.toThrow('SQS unavailable');
    const replay = await acceptMessage(input, flaky);
    const queued = await drainQueue();
    expect(queued).toEqual([expect.objectContaining({ id: replay.id, idempotencyKey: 'order-3' })]);
    expect((await deps.messages.get(replay.id))?.enqueuedAt).toEqual(expect.any(String));
  });

  it("refuses mail from another tenant's domain (403) and from a look-alike, recording and queuing nothing", async () => {
    for (const from of [
      'billing@globex.example',
      'billing@evilacme.example',
      { email: 'x@globex.localhost' },
    ]) {
      for (const provider of [undefined, 'sendgrid' as const]) {
        const attempt = acceptMessage(
          {
            tenantId: 'acme',
            request: request({ from, ...(provider && { provider }) }),
            idempotencyKey: 'evil',
          },
          deps,
        );
        await expect(attempt).rejects.toBeInstanceOf(SenderDomainNotVerifiedError);
      }
    }
    expect(await drainQueue()).toHaveLength(0);
    // The idempotency key was never claimed: the same key with a good body goes through.
    const ok = await acceptMessage(
      { tenantId: 'acme', request: request({ from: 'billing@mail.acme.example' }), idempotencyKey: 'evil' },
      deps,
    );
    expect(ok.status).toBe('queued');
  });

  it('refuses attachment keys of another tenant and keys never uploaded, storing nothing', async () => {
    const s3 = createS3Client({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    const globexKey = 'globex/01J0000000000000000000000A/report.pdf';
    await s3.send(
      new PutObjectCommand({
        Bucket: cloud.outputs.outbound.AttachmentsBucketName,
        Key: globexKey,
        Body: 'pdf',
      }),
    );
    s3.destroy();
    for (const key of [globexKey, 'acme/01J0000000000000000000000B/missing.pdf']) {
      const attempt = acceptMessage(
        {
          tenantId: 'acme',
          request: request({
            attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', key }],
          }),
        },
        deps,
      );
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await drainQueue()).toHaveLength(0);
  });

  it('accepts an uploaded attachment of its own tenant', async () => {
    const s3 = createS3Client({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    const key = 'acme/01J0000000000000000000000C/report.pdf';
    await s3.send(
      new PutObjectCommand({ Bucket: cloud.outputs.outbound.AttachmentsBucketName, Key: key, Body: 'pdf' }),
    );
    s3.destroy();
    const answer = await acceptMessage(
      {
        tenantId: 'acme',
        request: request({ attachments: [{ filename: 'r.pdf', contentType: 'application/pdf', key }] }),
      },
      deps,
    );
    expect(answer.status).toBe('queued');
  });

  describe('tenant shares (rate/tenant-share.ts)', () => {
    /** A tenant of its own with a verified domain, so the shares of other tests cannot interfere. */
    async function tenantWith(tenantId: string, sendRate?: number) {
      const http = createHttpDeps(outboundConfigFor(cloud));
      await http.tenants.createTenant(tenantId, sendRate === undefined ? {} : { sendRate });
      await http.domains.claim(tenantId, `${tenantId}.example`);
      await http.domains.update(tenantId, `${tenantId}.example`, { status: 'verified', dkimTokens: [] });
      return (to: string[] = ['ana@example.com']) =>
        acceptMessage({ tenantId, request: request({ from: `app@${tenantId}.example`, to }) }, http.accept);
    }

    it('answers a tenant over its own sendRate 429 with Retry-After, recording and queuing nothing', async () => {
      // One recipient every 5 s, 1 s of burst: the second mail would have to wait 5 s.
      const send = await tenantWith('quota-a', 0.2);
      const first = await send();
      const refused = await send().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(RateLimitedError);
      const answer = toHttpError(refused);
      expect(answer.statusCode).toBe(429);
      expect(answer.body.error.code).toBe('REQUEST.RATE_LIMITED');
      expect(Number(answer.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
      expect(Number(answer.headers?.['Retry-After'])).toBeLessThanOrEqual(4);
      const bodies = (await drainQueue()) as { id: string; shareSlotAt?: number }[];
      expect(bodies.map((b) => b.id)).toEqual([first.id]);
      expect(bodies[0]!.shareSlotAt).toEqual(expect.any(Number));
    });

    it('spreads a tenant’s burst over the queue at its default share instead of refusing it', async () => {
      // The SES stand-in's MaxSendRate 14 × 0.95 × half: 6.65 recipients/s, so 20 recipients book 3 s.
      const send = await tenantWith('burst-b');
      const first = await send(Array.from({ length: 20 }, (_, i) => `r${i}@example.com`));
      const second = await send();
      expect((await drainQueue()).map((b) => (b as { id: string }).id)).toEqual([first.id]);
      // The second is on the queue, out of sight until its slot.
      const deadline = Date.now() + 10_000;
      let later: unknown[] = [];
      while (!later.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        later = await drainQueue();
      }
      expect(later.map((b) => (b as { id: string }).id)).toEqual([second.id]);
    });
  });
});
