/**
 * send-throughput: mails per second through the send use case against DynamoDB Local and the SES
 * stand-in. Ours: each batch of 10 records processed concurrently, as the send handler does.
 * Baseline: the reference design's serial loop (go-to-k/mail-queues: for each record, await the
 * lock, await the send, one at a time) over the same use case and adapters, in the same run.
 * Alongside, where the time goes: requests per mail and CPU per mail of each process.
 */
import type { LocalCloud } from '@mailroom/local';
import type { SendDeps } from '../services/outbound/src/send-message';
import { sendMessage } from '../services/outbound/src/send-message';
import { countDynamoRequests, cpuMs, queueMessage, record, sendBench } from './harness';
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

interface Side {
  sent: number;
  wallMs: number;
  cpuMs: Record<string, number>;
  dynamoRequests: Record<string, number>;
  sesRequests: number;
}

const emptySide = (): Side => ({ sent: 0, wallMs: 0, cpuMs: {}, dynamoRequests: {}, sesRequests: 0 });

function add(into: Record<string, number>, from: Record<string, number>, minus: Record<string, number> = {}) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v - (minus[k] ?? 0);
}

/** What one side spent per mail: wall ms, CPU ms per process, requests per mail. */
function perMail(side: Side) {
  const per = (n: number) => round(n / side.sent, 2);
  const dynamo = Object.values(side.dynamoRequests).reduce((a, b) => a + b, 0);
  return {
    mailsPerSecond: round(side.sent / (side.wallMs / 1000)),
    wallMsPerMail: per(side.wallMs),
    cpuMsPerMail: Object.fromEntries(Object.entries(side.cpuMs).map(([k, v]) => [k, per(v)])),
    dynamoRequestsPerMail: per(dynamo),
    dynamoRequestsByCommand: Object.fromEntries(
      Object.entries(side.dynamoRequests).map(([k, v]) => [k, per(v)]),
    ),
    sesRequestsPerMail: per(side.sesRequests),
  };
}

async function measure(
  cloud: LocalCloud,
  requests: ReturnType<typeof countDynamoRequests>,
  side: Side,
  run: () => Promise<number>,
) {
  requests.reset();
  const ses = cloud.ses.stats().accepted;
  const cpu = cpuMs(cloud);
  const started = performance.now();
  side.sent += await run();
  side.wallMs += performance.now() - started;
  add(side.cpuMs, cpuMs(cloud), cpu);
  add(side.dynamoRequests, requests.counts());
  side.sesRequests += cloud.ses.stats().accepted - ses;
}

export async function sendThroughput(): Promise<BenchResult> {
  const { cloud, deps } = await sendBench();
  try {
    const requests = countDynamoRequests();
    // Measure sending, not the quota: no shared budget in either run.
    const unbudgeted: SendDeps = { ...deps, budgets: {} };
    // Warm-up: DynamoDB Local's JIT more than doubles its speed over the first few hundred mails.
    await concurrentBatches(unbudgeted, records(WARM_UP));
    // Interleaved rounds, so neither side gets the warmer emulator.
    const ours = emptySide();
    const baseline = emptySide();
    for (let pass = 0; pass < ROUNDS; pass += 1) {
      await measure(cloud, requests, ours, () => concurrentBatches(unbudgeted, records(MAILS / ROUNDS)));
      await measure(cloud, requests, baseline, () => serialLoop(unbudgeted, records(MAILS / ROUNDS)));
    }
    if (ours.sent !== MAILS || baseline.sent !== MAILS) {
      throw new Error(`not every mail was sent: ours ${ours.sent}, baseline ${baseline.sent} of ${MAILS}`);
    }
    const o = perMail(ours);
    const b = perMail(baseline);
    const cpuTotal = (c: Record<string, number>) => round(Object.values(c).reduce((x, y) => x + y, 0));
    const cores = 2;
    return {
      name: 'send-throughput',
      unit: 'mails/s',
      ours: o.mailsPerSecond,
      baseline: b.mailsPerSecond,
      ratio: round(o.mailsPerSecond / b.mailsPerSecond),
      notes:
        `${MAILS} mails each in ${ROUNDS} interleaved rounds after ${WARM_UP} warm-up mails, batches of ${BATCH} concurrent ` +
        'vs. a serial loop over the same sendMessage, DynamoDB Local + SES stand-in on one 2-core machine, no rate budget. ' +
        `Each mail is ${b.dynamoRequestsPerMail} DynamoDB requests + ${b.sesRequestsPerMail} SES request; ` +
        `CPU per mail (all processes) ${cpuTotal(b.cpuMsPerMail)} ms serial, ${cpuTotal(o.cpuMsPerMail)} ms batched, ` +
        `so ${cores} cores cap this machine at about ${Math.round((cores * 1000) / cpuTotal(o.cpuMsPerMail))} mails/s ` +
        `(ratio ≤ ~${round((cores * 1000) / cpuTotal(o.cpuMsPerMail) / b.mailsPerSecond, 1)}): the benchmark is CPU-bound, not round-trip-bound.`,
      perMail: { ours: o, baseline: b },
    };
  } finally {
    await cloud.stop();
  }
}
