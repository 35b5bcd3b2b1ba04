/**
 * rate-limit: 4 concurrent consumers (as 4 Lambda containers: each its own deps and budget
 * instance, each processing batches of 10 concurrently) against an SES stand-in quota of 20
 * mails/s that throttles above it (sliding one-second window), 30 s per run. The stand-in runs in a
 * process of its own, as the provider does (ses-process.ts).
 * Ours: the shared send budget at the quota. Baseline: the same consumers without the budget,
 * learning the quota from throttling errors: a record that comes back with RetryLaterError (after
 * the use case called delay) returns to its consumer's work list min(delay, 1 s) later, as SQS
 * would redeliver it, while the consumer goes on with other work.
 */
import { constants, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OutboundEnvSchema } from '../services/outbound/src/config';
import type { DynamoSendBudget } from '../services/outbound/src/rate/budget';
import { RetryLaterError, sendMessage, type SendDeps } from '../services/outbound/src/send-message';
import { queueMessage, record, sendBench, startSesProcess } from './harness';
import { round, type BenchResult } from './result';

const QUOTA = 20;
const CONSUMERS = 4;
const BATCH = 10;
const SECONDS = 30;
const WARM_UP = 200;

type SendRecord = ReturnType<typeof record>;

interface Run {
  rate: number;
  throttled: number;
  accepted: number;
  retried: number;
  /** Event loop delay of the benchmark process (the consumers'), ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** Slots the budgets left empty because their caller woke up far too late for them (over maxLateMs). */
  lateRetakes: number;
  /** Sends that left late and held the second after them; sends held back by such a hold. */
  lateHolds: number;
  heldSends: number;
  /** Event loop delay of the stand-in's own process, max, ms. */
  standInLoopDelayMax: number;
}

/**
 * The consumers stand for Lambda containers, each with a CPU share of its own; here they share two cores
 * with DynamoDB Local, the stand-in and whatever else runs on the machine, and a consumer the scheduler
 * leaves waiting wakes up late for its slot. Like the stand-in (ses-process.ts), this process asks for a
 * raised scheduling priority (root or CAP_SYS_NICE); the result's notes say whether it got it.
 */
function raisePriority(): boolean {
  try {
    setPriority(constants.priority.PRIORITY_ABOVE_NORMAL);
    return true;
  } catch {
    return false;
  }
}

async function consume(
  consumers: SendDeps[],
  stats: () => Promise<{ accepted: number; throttledOverQuota: number; loopDelayMax: number }>,
): Promise<Run> {
  const end = Date.now() + SECONDS * 1000;
  const timers = new Set<NodeJS.Timeout>();
  let retried = 0;
  const consumer = async (deps: SendDeps) => {
    const work: SendRecord[] = [];
    while (Date.now() < end) {
      // Saturating offered load: the work list never runs short of a full batch.
      while (work.length < BATCH) work.push(record(queueMessage()));
      const batch = work.splice(0, BATCH);
      const outcomes = await Promise.allSettled(batch.map((r) => sendMessage(r, deps)));
      outcomes.forEach((o, i) => {
        if (o.status !== 'rejected' || !(o.reason instanceof RetryLaterError)) return;
        retried += 1;
        const again = { ...batch[i]!, receiveCount: batch[i]!.receiveCount + 1 };
        const timer = setTimeout(
          () => {
            timers.delete(timer);
            work.unshift(again);
          },
          Math.min(1, o.reason.delaySeconds) * 1000,
        );
        timers.add(timer);
      });
    }
  };
  const budgetStat = (stat: 'lateRetakes' | 'lateHolds' | 'heldSends') => () =>
    consumers.reduce((n, d) => n + ((d.budgets.ses as DynamoSendBudget | undefined)?.[stat] ?? 0), 0);
  const retakes = budgetStat('lateRetakes');
  const holds = budgetStat('lateHolds');
  const held = budgetStat('heldSends');
  const [retakesBefore, holdsBefore, heldBefore] = [retakes(), holds(), held()];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const before = await stats();
  const started = Date.now();
  let atEnd = before;
  const sampler = new Promise<void>((resolve) =>
    setTimeout(() => {
      void stats().then((s) => {
        atEnd = s;
        resolve();
      });
    }, SECONDS * 1000),
  );
  await Promise.all([...consumers.map(consumer), sampler]);
  loop.disable();
  for (const timer of timers) clearTimeout(timer);
  const elapsed = (Math.min(Date.now(), started + SECONDS * 1000) - started) / 1000;
  const accepted = atEnd.accepted - before.accepted;
  return {
    rate: accepted / elapsed,
    throttled: atEnd.throttledOverQuota - before.throttledOverQuota,
    accepted,
    retried,
    loopDelayP99: round(loop.percentile(99) / 1e6, 1),
    loopDelayMax: round(loop.max / 1e6, 1),
    lateRetakes: retakes() - retakesBefore,
    lateHolds: holds() - holdsBefore,
    heldSends: held() - heldBefore,
    standInLoopDelayMax: atEnd.loopDelayMax,
  };
}

export async function rateLimit(): Promise<BenchResult> {
  const ses = await startSesProcess();
  const consumersRaised = raisePriority();
  const share = Number(
    process.env.BENCH_SEND_RATE_SHARE ?? OutboundEnvSchema.shape.MAILROOM_SEND_RATE_SHARE.parse(undefined),
  );
  const { cloud, deps, containerDeps } = await sendBench({
    MAILROOM_SES_MAX_SEND_RATE: String(QUOTA),
    MAILROOM_SES_ENDPOINT: ses.endpoint,
    // Bench experiments only: another share than the default (MAILROOM_SEND_RATE_SHARE).
    ...(process.env.BENCH_SEND_RATE_SHARE && { MAILROOM_SEND_RATE_SHARE: process.env.BENCH_SEND_RATE_SHARE }),
    // Bench experiments only: holds on (rate/budget.ts "Late sends"), e.g. 400.
    ...(process.env.BENCH_RATE_MAX_LATE_MS && {
      MAILROOM_RATE_MAX_LATE_MS: process.env.BENCH_RATE_MAX_LATE_MS,
    }),
  });
  try {
    // Warm-up without quota or budget: a fresh DynamoDB Local is several times slower until its JIT
    // has seen a few hundred mails, which would handicap whichever run came first.
    for (let i = 0; i < WARM_UP; i += BATCH) {
      const batch = Array.from({ length: BATCH }, () => record(queueMessage()));
      await Promise.allSettled(batch.map((r) => sendMessage(r, { ...deps, budgets: {} })));
    }
    const containers = [deps, ...(await Promise.all(Array.from({ length: CONSUMERS - 1 }, containerDeps)))];
    await ses.setMaxSendRate(QUOTA);
    const ours = await consume(containers, ses.stats);
    await ses.setMaxSendRate(QUOTA); // a fresh window for the baseline
    const baseline = await consume(
      containers.map((d) => ({ ...d, budgets: {} })),
      ses.stats,
    );
    return {
      name: 'rate-limit',
      unit: 'achieved rate / quota',
      ours: round(ours.rate / QUOTA, 3),
      baseline: round(baseline.rate / QUOTA, 3),
      ratio: round(ours.rate / QUOTA, 3),
      throttled: ours.throttled,
      notes:
        `quota ${QUOTA}/s (SES stand-in in a process of its own at ${ses.priorityRaised ? 'raised' : 'normal'} ` +
        'scheduling priority, strict sliding one-second window), ' +
        `budget share ${share}, consumers at ${consumersRaised ? 'raised' : 'normal'} scheduling priority, ` +
        `${CONSUMERS} consumers × batches of ${BATCH}, ` +
        `${SECONDS} s each after ${WARM_UP} warm-up mails. ` +
        `ours (shared budget): ${round(ours.rate)} mails/s, ${ours.throttled} throttled, ` +
        `${ours.lateHolds} sends left late and held the second after them (${ours.heldSends} sends held), ` +
        `${ours.lateRetakes} slots left empty by a caller that woke up too late for its slot; ` +
        `baseline (no budget): ${round(baseline.rate)} mails/s, ${baseline.throttled} throttled, ` +
        `${baseline.retried} records sent back to a work list (min(delay, 1 s)). ` +
        'Throttle counts are SendEmail requests the stand-in answered 429 over the quota. Core’s SES ' +
        'client would retry a throttle inside the SDK (so the stand-in count would include SDK retries), ' +
        'but the send path builds it with maxAttempts 1, so here each throttle is one attempt of one record. ' +
        `Event loop delay of the consumers' process p99/max: ours ${ours.loopDelayP99}/${ours.loopDelayMax} ms, ` +
        `baseline ${baseline.loopDelayP99}/${baseline.loopDelayMax} ms; a stall after a send's slot check delays that send. ` +
        `The stand-in's own event loop delay, max: ours ${ours.standInLoopDelayMax} ms, baseline ${baseline.standInLoopDelayMax} ms ` +
        '(it times requests when it reads them, so a wait for the CPU bunches them). ' +
        'ratio = ours’ achieved rate / quota.',
      oursPerSecond: round(ours.rate),
      baselinePerSecond: round(baseline.rate),
      baselineThrottled: baseline.throttled,
      runs: { ours, baseline },
    };
  } finally {
    await Promise.all([cloud.stop(), ses.stop()]);
  }
}
