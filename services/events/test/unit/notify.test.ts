import {
  DISABLE_AFTER_FAILURES,
  DISABLE_AFTER_HOURS,
  verifySignatureHeader,
  WebhookRejectedError,
  WebhookUnavailableError,
  type SignedPost,
} from '@mailroom/core';
import {
  InMemoryWebhookEndpointStore,
  InMemoryWebhookSecrets,
  listenOnLoopback,
} from '@mailroom/core/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailedDelivery } from '../../src/notify/dead-letters';
import { EndpointDirectory } from '../../src/notify/directory';
import {
  notifyStatusChanges,
  type NotifyDeps,
  worstCaseMs,
  DEFAULT_NOTIFY_POLICY,
} from '../../src/notify/notify-status-changes';
import { deliveryId } from '../../src/notify/payload';
import { statusChangeOf } from '../../src/notify/status-change';

const sample = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/dynamodb-streams/message-status-modify.json'), 'utf8'),
) as DynamoDBRecord;

let seq = 0;
/** The fixture record with another message, tenant and statuses. */
function change(
  options: {
    tenantId?: string;
    from?: string;
    to?: string;
    pk?: string;
    sk?: string;
    eventName?: string;
  } = {},
): DynamoDBRecord {
  const record = structuredClone(sample);
  const n = ++seq;
  record.eventID = `event-${n}`;
  record.eventName = (options.eventName ?? 'MODIFY') as DynamoDBRecord['eventName'];
  const d = record.dynamodb!;
  d.SequenceNumber = String(1000 + n);
  for (const image of [d.NewImage!, d.OldImage!]) {
    image.tenantId = { S: options.tenantId ?? 'acme' };
    image.pk = { S: options.pk ?? `MSG#msg-${n}` };
    image.sk = { S: options.sk ?? 'MSG' };
    image.id = { S: `msg-${n}` };
  }
  d.OldImage!.status = { S: options.from ?? 'sent' };
  d.NewImage!.status = { S: options.to ?? 'delivered' };
  return record;
}

const quiet = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };

describe('notify: status changes to tenants’ webhooks (in-memory ports)', () => {
  let clock: Date;
  let store: InMemoryWebhookEndpointStore;
  let secrets: InMemoryWebhookSecrets;
  let posts: SignedPost[];
  let answer: (post: SignedPost) => Promise<{ status: number }>;
  let dlq: FailedDelivery[];
  let sleeps: number[];
  let deps: NotifyDeps;
  let n = 0;

  async function endpoint(tenantId = 'acme', events: string[] = ['delivered', 'bounced']) {
    const id = `01KBK2S7V1J6Q9XW8E4M3N${String(++n).padStart(4, '0')}`;
    const secretParameter = `/mailroom/test/webhooks/${tenantId}/${id}`;
    await secrets.put(secretParameter, `whsec_${id}`);
    return store.create({
      id,
      tenantId,
      url: `https://hooks.example/${id}`,
      events: events as never,
      secretParameter,
    });
  }

  beforeEach(() => {
    clock = new Date('2026-12-03T10:00:00Z');
    store = new InMemoryWebhookEndpointStore(() => clock);
    secrets = new InMemoryWebhookSecrets();
    posts = [];
    answer = async () => ({ status: 204 });
    dlq = [];
    sleeps = [];
    deps = {
      directory: new EndpointDirectory(store, secrets, 0),
      health: store,
      deadLetters: { send: async (f) => void dlq.push(f) },
      logger: quiet,
      post: async (post) => {
        posts.push(post);
        return answer(post);
      },
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      now: () => clock,
    };
  });

  it('reads a documented MODIFY record of a message item as a status change', () => {
    expect(statusChangeOf(sample)).toEqual({
      eventId: 'c4ca4238a0b923820dcc509a6f75849b',
      messageId: '01KBK2S7V1J6Q9XW8E4M3N5P2R',
      tenantId: 'acme',
      status: 'delivered',
      previousStatus: 'sent',
      at: '2026-12-03T10:00:00.512Z',
      providerMessageId: '0100019ae0b1c2d3-5e6f7a8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b-000000',
    });
  });

  it.each([
    ['an INSERT', { eventName: 'INSERT' }],
    ['a REMOVE', { eventName: 'REMOVE' }],
    ['a recipient item', { sk: 'RCPT#ana@example.com' }],
    ['a timeline item', { sk: 'EVT#2026-12-03T10:00:00Z#x' }],
    ['a dedupe lock', { pk: 'LOCK#acme#k', sk: 'LOCK' }],
    ['an idempotency key', { pk: 'IDEM#acme#k', sk: 'IDEM' }],
    ['a change that keeps the status', { from: 'sent', to: 'sent' }],
    ['an unknown status', { to: 'opened' }],
  ])('ignores %s', async (_what, options) => {
    await endpoint();
    expect(statusChangeOf(change(options))).toBeNull();
    expect(await notifyStatusChanges([change(options)], deps)).toEqual({ batchItemFailures: [] });
    expect(posts).toEqual([]);
  });

  it('ignores a record without images', () => {
    const bare = change();
    delete bare.dynamodb!.OldImage;
    expect(statusChangeOf(bare)).toBeNull();
  });

  it('posts the signed change to the tenant’s active endpoints subscribed to the new status, and no others', async () => {
    const both = await endpoint('acme', ['delivered', 'bounced']);
    const bouncesOnly = await endpoint('acme', ['bounced']);
    await endpoint('globex', ['delivered']);
    const record = change({ to: 'delivered' });
    expect(await notifyStatusChanges([record], deps)).toEqual({ batchItemFailures: [] });
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post!.url).toBe(both.url);
    expect(post!.secret).toBe(`whsec_${both.id}`);
    expect(JSON.parse(post!.body)).toEqual({
      id: deliveryId(record.eventID!, both.id),
      type: 'message.status',
      messageId: expect.stringMatching(/^msg-/),
      tenantId: 'acme',
      status: 'delivered',
      previousStatus: 'sent',
      at: '2026-12-03T10:00:00.512Z',
      providerMessageId: '0100019ae0b1c2d3-5e6f7a8b-1c2d-4e5f-8a9b-0c1d2e3f4a5b-000000',
    });
    expect(post!.headers).toEqual({ 'Mailroom-Delivery-Id': deliveryId(record.eventID!, both.id) });
    posts = [];
    await notifyStatusChanges([change({ from: 'delivered', to: 'bounced' })], deps);
    expect(posts.map((p) => p.url).sort()).toEqual([both.url, bouncesOnly.url].sort());
  });

  it('gives every retry of one change to one endpoint the same delivery id, and each endpoint its own', () => {
    expect(deliveryId('e1', 'a')).toBe(deliveryId('e1', 'a'));
    expect(deliveryId('e1', 'a')).not.toBe(deliveryId('e1', 'b'));
    expect(deliveryId('e1', 'a')).not.toBe(deliveryId('e2', 'a'));
    expect(deliveryId('e1', 'a')).toMatch(/^dlv_[0-9a-f]{32}$/);
  });

  it('retries a receiver that is unavailable, with backoff, and resets the endpoint’s failures once it answers', async () => {
    const e = await endpoint();
    await store.recordFailure('acme', e.id, 'earlier');
    let calls = 0;
    answer = async () => {
      if (++calls < 3) throw new WebhookUnavailableError('answered 503', 503);
      return { status: 200 };
    };
    expect(await notifyStatusChanges([change()], deps)).toEqual({ batchItemFailures: [] });
    expect(calls).toBe(3);
    // Full jitter at 0.5 of base · 2^attempt (1 s, 2 s).
    expect(sleeps).toEqual([500, 1_000]);
    expect(dlq).toEqual([]);
    expect((await store.get('acme', e.id))?.failures).toBe(0);
  });

  it('sends a delivery that fails every attempt to the DLQ, counts it, and still delivers to the other endpoints', async () => {
    const down = await endpoint();
    const up = await endpoint();
    answer = async (post) => {
      if (post.url === down.url) throw new WebhookUnavailableError('unreachable: ECONNREFUSED');
      return { status: 204 };
    };
    const record = change();
    expect(await notifyStatusChanges([record], deps)).toEqual({ batchItemFailures: [] });
    expect(posts.filter((p) => p.url === down.url)).toHaveLength(DEFAULT_NOTIFY_POLICY.attempts);
    expect(posts.filter((p) => p.url === up.url)).toHaveLength(1);
    expect(dlq).toEqual([
      {
        kind: 'mailroom.webhook.failed',
        endpointId: down.id,
        tenantId: 'acme',
        url: down.url,
        body: expect.objectContaining({ id: deliveryId(record.eventID!, down.id), status: 'delivered' }),
        attempts: DEFAULT_NOTIFY_POLICY.attempts,
        error: 'unreachable: ECONNREFUSED',
        failedAt: clock.toISOString(),
      },
    ]);
    expect(await store.get('acme', down.id)).toMatchObject({
      failures: 1,
      lastError: 'unreachable: ECONNREFUSED',
    });
    expect((await store.get('acme', up.id))?.failures).toBe(0);
  });

  it('does not retry a 4xx: one attempt, then the DLQ and the count', async () => {
    const e = await endpoint();
    answer = async () => {
      throw new WebhookRejectedError('answered 401', 401);
    };
    await notifyStatusChanges([change()], deps);
    expect(posts).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(dlq).toMatchObject([{ attempts: 1, error: 'answered 401' }]);
    expect((await store.get('acme', e.id))?.failures).toBe(1);
    // A 4xx does not stop the next change from being tried.
    await notifyStatusChanges([change()], deps);
    expect(posts).toHaveLength(2);
  });

  it('does not try an endpoint again in the same batch once its retries ran out', async () => {
    const e = await endpoint();
    answer = async () => {
      throw new WebhookUnavailableError('timed out');
    };
    await notifyStatusChanges([change(), change(), change()], deps);
    expect(posts).toHaveLength(DEFAULT_NOTIFY_POLICY.attempts);
    expect(dlq.map((d) => d.attempts)).toEqual([DEFAULT_NOTIFY_POLICY.attempts, 0, 0]);
    expect((await store.get('acme', e.id))?.failures).toBe(3);
  });

  it(`disables an endpoint after ${DISABLE_AFTER_FAILURES} failed deliveries over ${DISABLE_AFTER_HOURS} hours; later changes skip it`, async () => {
    const e = await endpoint();
    answer = async () => {
      throw new WebhookRejectedError('answered 410', 410);
    };
    for (let i = 0; i < DISABLE_AFTER_FAILURES; i++) await notifyStatusChanges([change()], deps);
    expect((await store.get('acme', e.id))?.status).toBe('active');
    clock = new Date(clock.getTime() + DISABLE_AFTER_HOURS * 3_600_000);
    await notifyStatusChanges([change()], deps);
    expect(await store.get('acme', e.id)).toMatchObject({
      status: 'disabled',
      disabledAt: clock.toISOString(),
    });
    expect(quiet.warn).toHaveBeenCalledWith(
      'status webhook endpoint disabled after sustained failures',
      expect.objectContaining({ endpointId: e.id }),
    );
    posts = [];
    await notifyStatusChanges([change()], deps);
    expect(posts).toEqual([]);
  });

  it('sends to the DLQ without counting against the endpoint when its secret is gone (being deleted)', async () => {
    const e = await endpoint();
    await secrets.remove(e.secretParameter);
    expect(await notifyStatusChanges([change()], deps)).toEqual({ batchItemFailures: [] });
    expect(posts).toEqual([]);
    expect(dlq).toMatchObject([{ attempts: 0, error: expect.stringContaining('no signing secret') }]);
    expect((await store.get('acme', e.id))?.failures).toBe(0);
  });

  it('reports the record and stops when the DLQ cannot take a failed delivery, so Lambda hands it over again', async () => {
    await endpoint();
    answer = async () => {
      throw new WebhookRejectedError('answered 400', 400);
    };
    deps.deadLetters = { send: () => Promise.reject(new Error('SQS unavailable')) };
    const first = change();
    const second = change();
    expect(await notifyStatusChanges([first, second], deps)).toEqual({
      batchItemFailures: [{ itemIdentifier: first.dynamodb!.SequenceNumber }],
    });
    expect(posts).toHaveLength(1);
  });

  it('reports the record whose endpoints cannot be read, after delivering the ones before it', async () => {
    await endpoint('acme');
    const broken = new EndpointDirectory(
      {
        listActive: async (tenantId) => {
          if (tenantId === 'globex') throw new Error('DynamoDB unavailable');
          return store.listActive(tenantId);
        },
      },
      secrets,
      0,
    );
    deps.directory = broken;
    const ok = change({ tenantId: 'acme' });
    const bad = change({ tenantId: 'globex' });
    const after = change({ tenantId: 'acme' });
    expect(await notifyStatusChanges([ok, bad, after], deps)).toEqual({
      batchItemFailures: [{ itemIdentifier: bad.dynamodb!.SequenceNumber }],
    });
    expect(posts).toHaveLength(1);
    expect(quiet.error).toHaveBeenCalled();
  });

  it('hands the rest of the batch back when too little time is left for one more delivery', async () => {
    await endpoint();
    const records = [change(), change()];
    let left = worstCaseMs(DEFAULT_NOTIFY_POLICY) + 1;
    const result = await notifyStatusChanges(records, deps, {
      remainingMs: () => {
        const now = left;
        left = 0; // the first record used the time up
        return now;
      },
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
    expect(posts).toHaveLength(1);
  });

  it('does not wait for a retry that the invocation has no time for', async () => {
    await endpoint();
    answer = async () => {
      throw new WebhookUnavailableError('answered 502', 502);
    };
    let calls = 0;
    await notifyStatusChanges([change()], deps, {
      remainingMs: () => (++calls === 1 ? Infinity : 1_000),
    });
    expect(posts).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(dlq).toMatchObject([{ attempts: 1 }]);
  });

  it('signs with Mailroom-Signature over the exact body a real receiver gets', async () => {
    const received: { body: string; signature?: string; delivery?: string }[] = [];
    const server = await listenOnLoopback(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({
            body: Buffer.concat(chunks).toString('utf8'),
            signature: req.headers['mailroom-signature'] as string | undefined,
            delivery: req.headers['mailroom-delivery-id'] as string | undefined,
          });
          res.writeHead(204).end();
        });
      }),
    );
    try {
      const e = await store.create({
        id: '01KBK2S7V1J6Q9XW8E4M3NZZZZ',
        tenantId: 'acme',
        url: `${server.url}/hook`,
        events: ['delivered'],
        secretParameter: '/mailroom/test/webhooks/acme/real',
      });
      await secrets.put(e.secretParameter, 'whsec_real');
      delete deps.post; // the real postSignedWebhook
      expect(await notifyStatusChanges([change()], deps)).toEqual({ batchItemFailures: [] });
      expect(received).toHaveLength(1);
      const [got] = received;
      expect(verifySignatureHeader(got!.signature, got!.body, 'whsec_real')).toBe(true);
      expect(verifySignatureHeader(got!.signature, got!.body, 'whsec_other')).toBe(false);
      expect(JSON.parse(got!.body).id).toBe(got!.delivery);
    } finally {
      await server.close();
    }
  });
});

describe('EndpointDirectory', () => {
  it('reads a tenant’s endpoints once per cache period, and not a failed read', async () => {
    let now = 0;
    let reads = 0;
    let fail = true;
    const directory = new EndpointDirectory(
      {
        listActive: async () => {
          reads++;
          if (fail) throw new Error('DynamoDB unavailable');
          return [];
        },
      },
      new InMemoryWebhookSecrets(),
      30_000,
      () => now,
    );
    await expect(directory.activeEndpoints('acme')).rejects.toThrow('DynamoDB unavailable');
    fail = false;
    await directory.activeEndpoints('acme');
    await directory.activeEndpoints('acme');
    expect(reads).toBe(2);
    now = 29_999;
    await directory.activeEndpoints('acme');
    expect(reads).toBe(2);
    now = 30_000;
    await directory.activeEndpoints('acme');
    expect(reads).toBe(3);
  });

  it('keeps a secret once read, but asks again after a miss', async () => {
    const secrets = new InMemoryWebhookSecrets();
    const get = jest.spyOn(secrets, 'get');
    const directory = new EndpointDirectory({ listActive: async () => [] }, secrets);
    expect(await directory.secret('/s')).toBeNull();
    await secrets.put('/s', 'whsec_1');
    expect(await directory.secret('/s')).toBe('whsec_1');
    expect(await directory.secret('/s')).toBe('whsec_1');
    expect(get).toHaveBeenCalledTimes(2);
  });
});
