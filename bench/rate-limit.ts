/**
 * rate-limit: 4 concurrent consumers against an SES stand-in quota of 20 mails/s that throttles
 * above it (sliding one-second window), 30 s per run. Ours: the shared send budget at the quota.
 * Baseline: the same consumers without the budget, learning the quota from throttling errors
 * (records that were throttled come back after the backoff the use case asked for, capped at 1 s).
 */
import { RetryLaterError, sendMessage, type SendDeps } from '../services/outbound/src/send-message';
import { queueMessage, record, sendBench } from './harness';
import { round, type BenchResult } from './result';

const QUOTA = 20;
const CONSUMERS = 4;
const BATCH = 10;
const SECONDS = 30;
const WARM_UP = 200;

interface Run {
  rate: number;
  throttled: number;
  accepted: number;
}

async function consume(
  deps: SendDeps,
  stats: () => { accepted: number; throttledOverQuota: number },
): Promise<Run> {
  const before = stats();
  const end = Date.now() + SECONDS * 1000;
  const consumer = async () => {
    let backlog: ReturnType<typeof record>[] = [];
    while (Date.now() < end) {
      // Keep offered load above the quota: a full batch every time.
      while (backlog.length < BATCH) backlog.push(record(queueMessage()));
      const batch = backlog.splice(0, BATCH);
      const outcomes = await Promise.allSettled(batch.map((r) => sendMessage(r, deps)));
      const delays = outcomes.flatMap((o) =>
        o.status === 'rejected' && o.reason instanceof RetryLaterError ? [o.reason.delaySeconds] : [],
      );
      const retry = batch.filter((_, i) => {
        const o = outcomes[i]!;
        return o.status === 'rejected' && o.reason instanceof RetryLaterError;
      });
      if (retry.length)
        await new Promise((resolve) => setTimeout(resolve, Math.min(1, Math.max(...delays)) * 1000));
      backlog = [...retry.map((r) => ({ ...r, receiveCount: r.receiveCount + 1 })), ...backlog];
    }
  };
  const started = Date.now();
  let atEnd = before;
  const sampler = new Promise<void>((resolve) =>
    setTimeout(() => {
      atEnd = stats();
      resolve();
    }, SECONDS * 1000),
  );
  await Promise.all([...Array.from({ length: CONSUMERS }, consumer), sampler]);
  const elapsed = (Math.min(Date.now(), started + SECONDS * 1000) - started) / 1000;
  const accepted = atEnd.accepted - before.accepted;
  return {
    rate: accepted / elapsed,
    throttled: atEnd.throttledOverQuota - before.throttledOverQuota,
    accepted,
  };
}

export async function rateLimit(): Promise<BenchResult> {
  const { cloud, deps } = await sendBench({ MAILROOM_SES_MAX_SEND_RATE: String(QUOTA) });
  try {
    // Warm-up without quota or budget: a fresh DynamoDB Local is several times slower until its JIT
    // has seen a few hundred mails, which would handicap whichever run came first.
    for (let i = 0; i < WARM_UP; i += BATCH) {
      const batch = Array.from({ length: BATCH }, () => record(queueMessage()));
      await Promise.allSettled(batch.map((r) => sendMessage(r, { ...deps, budgets: {} })));
    }
    cloud.ses.setMaxSendRate(QUOTA);
    const ours = await consume(deps, cloud.ses.stats);
    cloud.ses.setMaxSendRate(QUOTA); // a fresh window for the baseline
    const baseline = await consume({ ...deps, budgets: {} }, cloud.ses.stats);
    return {
      name: 'rate-limit',
      unit: 'achieved rate / quota',
      ours: round(ours.rate / QUOTA, 3),
      baseline: round(baseline.rate / QUOTA, 3),
      ratio: round(ours.rate / QUOTA, 3),
      throttled: ours.throttled,
      notes:
        `quota ${QUOTA}/s, ${CONSUMERS} consumers × batches of ${BATCH}, ${SECONDS} s each after ${WARM_UP} warm-up mails. ` +
        `ours: ${round(ours.rate)} mails/s, ${ours.throttled} throttled; ` +
        `baseline (no budget): ${round(baseline.rate)} mails/s, ${baseline.throttled} throttled requests ` +
        '(SendEmail requests the stand-in answered 429 over the quota; the send path’s SES client makes ' +
        'one attempt per send (maxAttempts 1), so there are no SDK retries: each throttle is one record ' +
        'that went back to its work list after the use case’s backoff, capped at 1 s). ' +
        'ratio = ours’ achieved rate / quota, as the issue defines it.',
      oursPerSecond: round(ours.rate),
      baselinePerSecond: round(baseline.rate),
      baselineThrottled: baseline.throttled,
    };
  } finally {
    await cloud.stop();
  }
}
