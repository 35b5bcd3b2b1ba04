/**
 * tenant-fairness: tenant A posts 2,000 mails at once while tenant B posts one mail a second; how much
 * later is B's mail sent than when B is alone? `ratio` = B's p95 accept-to-sent latency alone / while
 * A's burst waits on the queue (B's mails posted from A's last accepted post on, for 30 s), with the
 * tenant shares (rate/tenant-share.ts: a burst spread over the queue at its tenant's share, and its mail
 * giving way to others' at the account budget); target ≥ 0.5. The same without the shares is the
 * `baseline`. A mail counts as sent when its own record is done (its status is `sent`), not when the rest
 * of its batch is.
 * B's mails posted while A was still posting are reported beside: A's 2,000 accepts and the consumers
 * share one DynamoDB Local there, which slows the send path for every tenant (on AWS they would not).
 *
 * Everything goes through the real path: `acceptMessage` with the HTTP side's deps (DynamoDB Local,
 * the requests bucket, the send queue in fauxqs), 4 consumers (as 4 Lambda containers, each with its
 * own deps and budget instance) receiving batches of 10 from the send queue and running `sendMessage`
 * on each record concurrently, deleting what it consumed, and an SES stand-in in a process of its own
 * with a quota of 20/s (the account budget hands out 19/s, each tenant's default share half of that).
 * Both tenants are dev tenants without a `sendRate`, so both get the default share.
 */
import { createSqsClient } from '@mailroom/core/aws';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { SendMailRequest } from '@mailroom/core';
import { acceptMessage, type AcceptDeps } from '../services/outbound/src/accept-message';
import { sendMessage, type SendDeps } from '../services/outbound/src/send-message';
import { createHttpDeps, createSendDeps } from '../services/outbound/src/wiring';
import type { BurstRequest } from './accept-process';
import { deployedSendFunction, fromCore, sendBench, startSesProcess } from './harness';
import { round, type BenchResult } from './result';

const QUOTA = 20;
/** The send function's default concurrency (the event source's maximum), read where it is deployed from. */
const CONSUMERS = deployedSendFunction().maxConcurrency;
const BATCH = 10;
const BURST = 2_000;
/** A's posts in flight at once (API Gateway would run them on as many Lambdas). */
const BURST_CONCURRENCY = 25;
const ALONE_SECONDS = 20;
/** B carries on this long after A's last post was accepted: A's backlog waits on the queue meanwhile. */
const BACKLOG_SECONDS = 30;
/** B's posts during the burst stop after this many, whatever happens. */
const MAX_DURING = 150;
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

/** A's burst in a process of its own (accept-process.ts), as its requests would run on Lambdas of their own. */
async function startAcceptProcess() {
  const child = fork(join(__dirname, 'accept-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () => resolve());
  });
  return {
    burst: (request: BurstRequest) =>
      new Promise<{ seconds: number; refused: number }>((resolve) => {
        child.once('message', (m: { seconds: number; refused: number }) => resolve(m));
        child.send(request);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

interface Side {
  aloneP95: number;
  duringP95: number;
  aloneMedian: number;
  duringMedian: number;
  bAlone: number;
  bDuring: number;
  /** B's p95 of the accept alone (the POST), alone and during the burst. */
  acceptAloneP95: number;
  acceptDuringP95: number;
  /** B's p95 over the mails it posted while A's 2,000 posts were still being accepted, and over all. */
  postingP95: number;
  bPosting: number;
  allP95: number;
  /** A's mails sent during B's measured window, per second. */
  aRate: number;
  /** Seconds A's 2,000 posts took to be accepted. */
  burstAcceptSeconds: number;
  /** Records put back to wait for their tenant's share (send side). */
  deferred: number;
  /** Times a backlogged tenant's mail gave way to others' at the account budget (rate/budget.ts). */
  gaveWay: number;
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
      // A mail is sent when the provider accepted it and its status says so: when its own record is
      // done, not when the last record of its batch is (the others may still wait for their slots).
      const outcomes = await Promise.allSettled(
        Messages.map((m: Message) =>
          sendMessage(
            {
              body: m.Body ?? '',
              receiptHandle: m.ReceiptHandle!,
              receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? '1'),
            },
            deps,
          ).then((outcome) => {
            if (outcome === 'sent') {
              const { id, tenantId } = JSON.parse(m.Body!) as { id: string; tenantId: string };
              sentAt.set(id, Date.now());
              tenantOf.set(id, tenantId);
            }
            return outcome;
          }),
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

interface Posted {
  id: string;
  /** When the post began, and how long the accept took. */
  at: number;
  acceptMs: number;
}

/** B posts one mail a second while `more()`; resolves with each mail's id and the time its post began. */
async function postB(accept: AcceptDeps, more: (i: number) => boolean, tag: string) {
  const posted: Promise<Posted>[] = [];
  for (let i = 0; more(i); i += 1) {
    const at = Date.now();
    posted.push(
      acceptMessage({ tenantId: 'globex', request: mail('globex', `${tag}-b${i}`) }, accept).then((r) => ({
        id: r.id,
        at,
        acceptMs: Date.now() - at,
      })),
    );
    await sleep(Math.max(0, at + 1000 - Date.now()));
  }
  return Promise.all(posted);
}

async function latencies(posted: Pick<Posted, 'id' | 'at'>[], sentAt: Map<string, number>) {
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
  const burster = await startAcceptProcess();
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

  /** Give-ways so far, summed over the containers' SES budgets. */
  const gaveWay = () =>
    containers.reduce((n, d) => n + ((d.budgets.ses as { gaveWay?: number } | undefined)?.gaveWay ?? 0), 0);

  async function side(fair: boolean, tag: string): Promise<Side> {
    await reset();
    const gaveWayBefore = gaveWay();
    const accept: AcceptDeps = fair ? http.accept : { ...http.accept, tenantShare: undefined };
    const run = consumers(
      queueUrl,
      sqs,
      containers.map((d) => (fair ? d : { ...d, tenantShare: undefined })),
    );
    try {
      const alonePosted = await postB(accept, (i) => i < ALONE_SECONDS, `${tag}-alone`);
      const alone = await latencies(alonePosted, run.sentAt);
      // A's burst: 2,000 posts at once (BURST_CONCURRENCY in flight), B carrying on beside it.
      const burstStart = Date.now();
      let burstEnd = Number.POSITIVE_INFINITY;
      const burst = burster
        .burst({
          config,
          tenantId: 'acme',
          domain: 'acme.example',
          count: BURST,
          concurrency: BURST_CONCURRENCY,
          tag: `${tag}-a`,
          noShares: !fair,
        })
        .then((r) => ((burstEnd = Date.now()), r.seconds));
      const during = await postB(
        accept,
        (i) => i < MAX_DURING && Date.now() < burstEnd + BACKLOG_SECONDS * 1000,
        `${tag}-during`,
      );
      const windowEnd = Date.now();
      const burstAcceptSeconds = await burst;
      const allLatencies = await latencies(during, run.sentAt);
      // Posted while A's posts were still coming in, and after (A's backlog waiting on the queue).
      const posting = allLatencies.filter((_, i) => during[i]!.at < burstEnd);
      const duringLatencies = allLatencies.filter((_, i) => during[i]!.at >= burstEnd);
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
        acceptAloneP95: p95(alonePosted.map((p) => p.acceptMs)),
        acceptDuringP95: p95(during.filter((p) => p.at < burstEnd).map((p) => p.acceptMs)),
        postingP95: p95(posting),
        bPosting: posting.length,
        allP95: p95(allLatencies),
        aRate: round(aSent / ((windowEnd - burstStart) / 1000)),
        burstAcceptSeconds: round(burstAcceptSeconds, 1),
        gaveWay: gaveWay() - gaveWayBefore,
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
      // As many posts in flight as A's burst has (API Gateway's Lambdas), not all 200 at once: 200 new
      // connections at one moment can outlast the clients' 2 s connect timeout on a 2-core machine.
      const ids: { id: string }[] = [];
      for (let i = 0; i < WARM_UP; i += BURST_CONCURRENCY) {
        const chunk = Array.from({ length: Math.min(BURST_CONCURRENCY, WARM_UP - i) }, (_, j) =>
          acceptMessage(
            { tenantId: 'acme', request: mail('acme', `warm-${i + j}`) },
            { ...http.accept, tenantShare: undefined },
          ),
        );
        ids.push(...(await Promise.all(chunk)));
      }
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
    const describe = (r: Side) =>
      `B p95 ${s(r.aloneP95)} alone (median ${s(r.aloneMedian)}, ${r.bAlone} mails); ` +
      `${s(r.duringP95)} while A's backlog waited (median ${s(r.duringMedian)}, ${r.bDuring} mails); ` +
      `${s(r.postingP95)} over the ${r.bPosting} mails posted while A's posts were still coming in ` +
      `(all during: ${s(r.allP95)}); B's POST alone took p95 ${s(r.acceptAloneP95)}, ` +
      `${s(r.acceptDuringP95)} while A posted; A's posts took ${r.burstAcceptSeconds} s; ` +
      `A sent ${r.aRate}/s from its burst to the end of B's posts; ${r.deferred} records deferred at send, ` +
      `${r.gaveWay} give-ways at the account budget, ` +
      `${r.errors} unexpected errors`;
    return {
      name: 'tenant-fairness',
      unit: "B's p95 accept-to-sent latency alone / while A's burst waits",
      ours: round(ratio, 3),
      baseline: round(baselineRatio, 3),
      ratio: round(ratio, 3),
      notes:
        `A posts ${BURST} mails at once (${BURST_CONCURRENCY} in flight, from a process of its own) while B ` +
        `posts 1 mail/s (${ALONE_SECONDS} s alone first, then from A's first post until ${BACKLOG_SECONDS} s ` +
        `after its last); SES stand-in quota ${QUOTA}/s (own process, ` +
        `${ses.priorityRaised ? 'raised' : 'normal'} priority), budget 19/s, ${CONSUMERS} consumers × ` +
        `batches of ${BATCH} on the fauxqs send queue, one DynamoDB Local for everything. ` +
        `With tenant shares (both tenants at the default half of the budget): ${describe(ours)}. ` +
        `Without shares: ${describe(baseline)}. ` +
        "ratio = ours' B p95 alone / B p95 while A's backlog waits on the queue (target ≥ 0.5); " +
        'baseline = the same without shares. While A is still posting, its accepts and the consumers share ' +
        'one DynamoDB Local (a few hundred writes/s on this machine), so the send path slows for every ' +
        'tenant: that phase is reported beside, not in the ratio.',
      runs: { ours, baseline },
    };
  } finally {
    sqs.destroy();
    await Promise.all([cloud.stop(), ses.stop(), burster.stop()]);
  }
}
