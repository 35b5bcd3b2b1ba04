/**
 * tenant-fairness: tenant A posts 2,000 mails at once while tenant B posts one mail a second; how much
 * later is B's mail sent than when B is alone? `ratio` = B's p95 accept-to-sent latency alone / during
 * A's burst, with the tenant shares (rate/tenant-share.ts); target ≥ 0.5. The same without the shares
 * is the `baseline`.
 *
 * Everything goes through the real path: `acceptMessage` with the HTTP side's deps (DynamoDB Local,
 * the requests bucket, the send queue in fauxqs), 4 consumers (as 4 Lambda containers, each with its
 * own deps and budget instance) receiving batches of 10 from the send queue and running `sendMessage`
 * on each record concurrently, deleting what it consumed, and an SES stand-in in a process of its own
 * with a quota of 20/s (the account budget hands out 19/s, each tenant's default share half of that).
 * Both tenants are dev tenants without a `sendRate`, so both get the default share.
 */
import { createSqsClient } from '@mailroom/core/aws';
import type { SendMailRequest } from '@mailroom/core';
import { acceptMessage, type AcceptDeps } from '../services/outbound/src/accept-message';
import { sendMessage, type SendDeps } from '../services/outbound/src/send-message';
import { createHttpDeps, createSendDeps } from '../services/outbound/src/wiring';
import { fromCore, sendBench, startSesProcess } from './harness';
import { round, type BenchResult } from './result';

const QUOTA = 20;
const CONSUMERS = 4;
const BATCH = 10;
const BURST = 2_000;
/** A's posts in flight at once (API Gateway would run them on as many Lambdas). */
const BURST_CONCURRENCY = 25;
const ALONE_SECONDS = 20;
const DURING_SECONDS = 30;
const WARM_UP = 200;
/** The longest a B mail may take before the run gives up on it (A's whole burst at the quota, and some). */
const DRAIN_BOUND_MS = 240_000;

// The SDK commands from the copy @mailroom/core resolves (the bench itself does not depend on the SDK).
type Command = new (input: object) => never;
const sqsCommand = (name: string) => fromCore<Command>('@aws-sdk/client-sqs', name);
const ReceiveMessageCommand = sqsCommand('ReceiveMessageCommand');
const DeleteMessageBatchCommand = sqsCommand('DeleteMessageBatchCommand');
const PurgeQueueCommand = sqsCommand('PurgeQueueCommand');
const DeleteCommand = fromCore<Command>('@aws-sdk/lib-dynamodb', 'DeleteCommand');
interface Message {
  Body?: string;
  ReceiptHandle?: string;
  Attributes?: Record<string, string>;
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mail = (tenant: 'acme' | 'globex', subject: string): SendMailRequest => ({
  from: `app@${tenant}.example`,
  to: [`someone-${subject}@example.com`],
  subject,
  text: 'Hello',
});

const p95 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? NaN;
};

interface Side {
  aloneP95: number;
  duringP95: number;
  aloneMedian: number;
  duringMedian: number;
  bAlone: number;
  bDuring: number;
  /** A's mails sent during B's measured window, per second. */
  aRate: number;
  /** Seconds A's 2,000 posts took to be accepted. */
  burstAcceptSeconds: number;
  /** Records put back to wait for their tenant's share (send side). */
  deferred: number;
  errors: number;
}

/** Consumers on the real send queue, recording when each message id was sent. */
function consumers(queueUrl: string, sqs: ReturnType<typeof createSqsClient>, all: SendDeps[]) {
  const sentAt = new Map<string, number>();
  const tenantOf = new Map<string, string>();
  let running = true;
  let deferred = 0;
  let errors = 0;
  const one = async (deps: SendDeps) => {
    while (running) {
      const { Messages = [] } = (await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: BATCH,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      )) as { Messages?: Message[] };
      if (!Messages.length) continue;
      const outcomes = await Promise.allSettled(
        Messages.map((m: Message) =>
          sendMessage(
            {
              body: m.Body ?? '',
              receiptHandle: m.ReceiptHandle!,
              receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
            },
            deps,
          ),
        ),
      );
      const done: Message[] = [];
      outcomes.forEach((o, i) => {
        const m = Messages[i]!;
        if (o.status === 'rejected') {
          // RetryLaterError: the use case set the visibility itself; anything else shows in `errors`.
          if ((o.reason as Error).name !== 'RetryLaterError') errors += 1;
          return;
        }
        done.push(m);
        if (o.value === 'deferred') deferred += 1;
        if (o.value === 'sent') {
          const { id, tenantId } = JSON.parse(m.Body!) as { id: string; tenantId: string };
          sentAt.set(id, Date.now());
          tenantOf.set(id, tenantId);
        }
      });
      if (done.length) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    }
  };
  const loops = all.map(one);
  return {
    sentAt,
    tenantOf,
    counts: () => ({ deferred, errors }),
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** B posts one mail a second for `seconds`; resolves with each mail's id and the time its post began. */
async function postB(accept: AcceptDeps, seconds: number, tag: string) {
  const posted: Promise<{ id: string; at: number }>[] = [];
  for (let i = 0; i < seconds; i += 1) {
    const at = Date.now();
    posted.push(
      acceptMessage({ tenantId: 'globex', request: mail('globex', `${tag}-b${i}`) }, accept).then((r) => ({
        id: r.id,
        at,
      })),
    );
    await sleep(Math.max(0, at + 1000 - Date.now()));
  }
  return Promise.all(posted);
}

async function latencies(posted: { id: string; at: number }[], sentAt: Map<string, number>) {
  const deadline = Date.now() + DRAIN_BOUND_MS;
  while (posted.some((p) => !sentAt.has(p.id)) && Date.now() < deadline) await sleep(200);
  return posted.map((p) => (sentAt.get(p.id) ?? Number.POSITIVE_INFINITY) - p.at);
}

export async function tenantFairness(): Promise<BenchResult> {
  const ses = await startSesProcess();
  const { cloud, config } = await sendBench({
    MAILROOM_SES_MAX_SEND_RATE: String(QUOTA),
    MAILROOM_SES_ENDPOINT: ses.endpoint,
  });
  const sqs = createSqsClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT });
  const queueUrl = config.MAILROOM_SEND_QUEUE_URL;
  const http = createHttpDeps(config);
  const containers = await Promise.all(
    Array.from({ length: CONSUMERS }, async () => ({ ...(await createSendDeps(config)), logger: silent })),
  );
  /** Empties the queue and forgets both tenants' shares, so each side starts alike. */
  const reset = async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    for (const tenant of ['acme', 'globex']) {
      await http.doc.send(
        new DeleteCommand({
          TableName: config.MAILROOM_MESSAGES_TABLE,
          Key: { pk: `SHARE#${tenant}`, sk: 'SHARE' },
        }),
      );
    }
  };

  async function side(fair: boolean, tag: string): Promise<Side> {
    await reset();
    const accept: AcceptDeps = fair ? http.accept : { ...http.accept, tenantShare: undefined };
    const run = consumers(
      queueUrl,
      sqs,
      containers.map((d) => (fair ? d : { ...d, tenantShare: undefined })),
    );
    try {
      const alone = await latencies(await postB(accept, ALONE_SECONDS, `${tag}-alone`), run.sentAt);
      // A's burst: 2,000 posts at once (BURST_CONCURRENCY in flight), B carrying on beside it.
      const burstStart = Date.now();
      let next = 0;
      const burst = Promise.all(
        Array.from({ length: BURST_CONCURRENCY }, async () => {
          while (next < BURST) {
            const i = (next += 1);
            await acceptMessage({ tenantId: 'acme', request: mail('acme', `${tag}-a${i}`) }, accept);
          }
        }),
      ).then(() => (Date.now() - burstStart) / 1000);
      const during = await postB(accept, DURING_SECONDS, `${tag}-during`);
      const windowEnd = Date.now();
      const burstAcceptSeconds = await burst;
      const duringLatencies = await latencies(during, run.sentAt);
      const aSent = [...run.sentAt.entries()].filter(
        ([id, at]) => run.tenantOf.get(id) === 'acme' && at >= burstStart && at <= windowEnd,
      ).length;
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
      return {
        aloneP95: p95(alone),
        duringP95: p95(duringLatencies),
        aloneMedian: median(alone),
        duringMedian: median(duringLatencies),
        bAlone: alone.length,
        bDuring: duringLatencies.length,
        aRate: round(aSent / ((windowEnd - burstStart) / 1000)),
        burstAcceptSeconds: round(burstAcceptSeconds, 1),
        ...run.counts(),
      };
    } finally {
      await run.stop();
    }
  }

  try {
    await ses.setMaxSendRate(QUOTA);
    // Warm-up (DynamoDB Local's JIT) through the same path, without shares, not measured.
    {
      await reset();
      const run = consumers(
        queueUrl,
        sqs,
        containers.map((d) => ({ ...d, tenantShare: undefined })),
      );
      const ids = await Promise.all(
        Array.from({ length: WARM_UP }, (_, i) =>
          acceptMessage(
            { tenantId: 'acme', request: mail('acme', `warm-${i}`) },
            { ...http.accept, tenantShare: undefined },
          ),
        ),
      );
      await latencies(
        ids.map((r) => ({ id: r.id, at: 0 })),
        run.sentAt,
      );
      await run.stop();
    }
    const ours = await side(true, 'ours');
    const baseline = await side(false, 'without');
    const ratio = ours.aloneP95 / ours.duringP95;
    const baselineRatio = baseline.aloneP95 / baseline.duringP95;
    const s = (ms: number) => `${round(ms / 1000, 2)} s`;
    return {
      name: 'tenant-fairness',
      unit: "B's p95 accept-to-sent latency alone / during A's burst",
      ours: round(ratio, 3),
      baseline: round(baselineRatio, 3),
      ratio: round(ratio, 3),
      notes:
        `A posts ${BURST} mails at once (${BURST_CONCURRENCY} in flight) while B posts 1 mail/s; ` +
        `SES stand-in quota ${QUOTA}/s (own process, ${ses.priorityRaised ? 'raised' : 'normal'} priority), ` +
        `budget 19/s, ${CONSUMERS} consumers × batches of ${BATCH} on the fauxqs send queue. ` +
        `B alone ${ALONE_SECONDS} mails, then ${DURING_SECONDS} during the burst. ` +
        `With tenant shares (default half of the budget each): B p95 ${s(ours.aloneP95)} alone, ` +
        `${s(ours.duringP95)} during the burst (medians ${s(ours.aloneMedian)} / ${s(ours.duringMedian)}); ` +
        `A sent ${ours.aRate}/s meanwhile; ${ours.deferred} records deferred at send. ` +
        `Without shares: B p95 ${s(baseline.aloneP95)} alone, ${s(baseline.duringP95)} during ` +
        `(medians ${s(baseline.aloneMedian)} / ${s(baseline.duringMedian)}); A sent ${baseline.aRate}/s. ` +
        `A's posts were all accepted in ${ours.burstAcceptSeconds} s (ours) and ` +
        `${baseline.burstAcceptSeconds} s (without). ratio = ours' alone / during p95; ` +
        'baseline = the same ratio without shares (target ≥ 0.5 for ours).',
      runs: { ours, baseline },
    };
  } finally {
    sqs.destroy();
    await Promise.all([cloud.stop(), ses.stop()]);
  }
}
