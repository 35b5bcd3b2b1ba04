/**
 * send-throughput: mails per second through the send use case against DynamoDB Local and the SES
 * stand-in. Ours: each batch of 10 records processed concurrently, as the send handler does.
 * Baseline: the reference design's serial loop (go-to-k/mail-queues: for each record, await the
 * lock, await the send, one at a time) over the same use case and adapters, in the same run.
 */
import type { SendDeps } from '../services/outbound/src/send-message';
import { sendMessage } from '../services/outbound/src/send-message';
import { queueMessage, record, sendBench } from './harness';
import { round, type BenchResult } from './result';

const MAILS = 300;
const ROUNDS = 3;
const WARM_UP = 200;
const BATCH = 10;

const records = (n: number) => Array.from({ length: n }, () => record(queueMessage()));

async function concurrentBatches(deps: SendDeps, all: ReturnType<typeof records>): Promise<number> {
  let sent = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    const outcomes = await Promise.allSettled(all.slice(i, i + BATCH).map((r) => sendMessage(r, deps)));
    sent += outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'sent').length;
  }
  return sent;
}

async function serialLoop(deps: SendDeps, all: ReturnType<typeof records>): Promise<number> {
  let sent = 0;
  for (const r of all) if ((await sendMessage(r, deps)) === 'sent') sent += 1;
  return sent;
}

async function rate(run: () => Promise<number>): Promise<{ perSecond: number; sent: number }> {
  const started = performance.now();
  const sent = await run();
  return { perSecond: sent / ((performance.now() - started) / 1000), sent };
}

export async function sendThroughput(): Promise<BenchResult> {
  const { cloud, deps } = await sendBench();
  try {
    // Measure sending, not the quota: no shared budget in either run.
    const unbudgeted: SendDeps = { ...deps, budgets: {} };
    // Warm-up: DynamoDB Local's JIT more than doubles its speed over the first few hundred mails.
    await concurrentBatches(unbudgeted, records(WARM_UP));
    // Interleaved rounds, so neither side gets the warmer emulator.
    const ours = { perSecond: 0, sent: 0 };
    const baseline = { perSecond: 0, sent: 0 };
    for (let pass = 0; pass < ROUNDS; pass += 1) {
      for (const [total, run] of [
        [ours, () => concurrentBatches(unbudgeted, records(MAILS / ROUNDS))],
        [baseline, () => serialLoop(unbudgeted, records(MAILS / ROUNDS))],
      ] as const) {
        const measured = await rate(run);
        total.perSecond += measured.perSecond / ROUNDS;
        total.sent += measured.sent;
      }
    }
    if (ours.sent !== MAILS || baseline.sent !== MAILS) {
      throw new Error(`not every mail was sent: ours ${ours.sent}, baseline ${baseline.sent} of ${MAILS}`);
    }
    return {
      name: 'send-throughput',
      unit: 'mails/s',
      ours: round(ours.perSecond),
      baseline: round(baseline.perSecond),
      ratio: round(ours.perSecond / baseline.perSecond),
      notes:
        `${MAILS} mails each in ${ROUNDS} interleaved rounds after ${WARM_UP} warm-up mails, batches of ${BATCH} concurrent vs. a serial loop over the same sendMessage, ` +
        'DynamoDB Local + SES stand-in on one 2-core machine, no rate budget',
    };
  } finally {
    await cloud.stop();
  }
}
