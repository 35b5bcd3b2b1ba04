/**
 * webhook-verify: events/s through the SendGrid webhook's verify + parse path, on signed batches of 100
 * realistic events (all 11 event types, with the fields SendGrid sends), signed with a P-256 key
 * generated for the run exactly as SendGrid signs (timestamp + raw body, body ending in CRLF).
 * Ours: rawBodyBytes + verifySignedBatch (node:crypto, then JSON.parse). Baseline: SendGrid's own
 * `@sendgrid/eventwebhook` verifySignature, then JSON.parse. Both parse the key once, as at cold start,
 * and run the same batches in interleaved rounds of the same run. No AWS and no local cloud: CPU only.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sendGridPublicKey } from '../services/events/src/webhook/public-key';
import { rawBodyBytes } from '../services/events/src/webhook/raw-body';
import { verifySignedBatch } from '../services/events/src/webhook/verify';
import { round, type BenchResult } from './result';

const EVENTS_PER_BATCH = 100;
const BATCHES = 50;
const ROUNDS = 3;
/** Each side runs this long per round (at least one pass over the batches). */
const ROUND_MS = 2_000;

interface SendGridEventWebhook {
  convertPublicKeyToECDSA(publicKey: string): unknown;
  verifySignature(publicKey: unknown, payload: string, signature: string, timestamp: string): boolean;
}
// A devDependency of @mailroom/events, resolved from there (the workspace root does not depend on it).
const { EventWebhook } = createRequire(join(__dirname, '..', 'services', 'events', 'package.json'))(
  '@sendgrid/eventwebhook',
) as { EventWebhook: new () => SendGridEventWebhook };

const TYPES = [
  'processed',
  'deferred',
  'delivered',
  'open',
  'click',
  'bounce',
  'dropped',
  'spamreport',
  'unsubscribe',
  'group_unsubscribe',
  'group_resubscribe',
] as const;
const USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

/** One event as SendGrid posts it: the fields of its Event Webhook reference, plus our custom arg. */
export function realisticEvent(i: number, now: number): Record<string, unknown> {
  const event = TYPES[i % TYPES.length]!;
  const xMessageId = randomBytes(16).toString('base64url').slice(0, 22);
  const base: Record<string, unknown> = {
    email: `customer${i}@example.com`,
    timestamp: now - (i % 300),
    'smtp-id': `<${xMessageId}@geopod-ismtpd-3>`,
    event,
    category: ['orders', 'transactional'],
    sg_event_id: randomBytes(24).toString('base64url'),
    sg_message_id: `${xMessageId}.recvd-5f8c7b5d5-x7x2f-1-6571A9E2-1F.0`,
    mailroom_message_id: randomUUID(),
  };
  if (event === 'deferred') Object.assign(base, { response: '421 4.7.0 Try again later', attempt: '3' });
  if (event === 'delivered') Object.assign(base, { response: '250 2.0.0 OK  1701600000 abc.123 - gsmtp' });
  if (event === 'bounce') {
    Object.assign(base, {
      reason: '550 5.1.1 The email account that you tried to reach does not exist.',
      status: '5.1.1',
      type: 'bounce',
      bounce_classification: 'Invalid Address',
    });
  }
  if (event === 'dropped') Object.assign(base, { reason: 'Bounced Address', status: '5.0.0' });
  if (['open', 'click', 'group_unsubscribe', 'group_resubscribe'].includes(event)) {
    Object.assign(base, { useragent: USER_AGENT, ip: '203.0.113.24', sg_machine_open: false });
  }
  if (event === 'click')
    Object.assign(base, { url: 'https://shop.example.com/orders/12345?utm_source=mail' });
  if (event.startsWith('group_')) Object.assign(base, { asm_group_id: 10 });
  return base;
}

interface SignedBatch {
  body: string;
  signature: string;
  timestamp: string;
}

function signedBatches(): { publicKeyBase64: string; batches: SignedBatch[] } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Math.floor(Date.now() / 1000);
  const timestamp = String(now);
  const batches = Array.from({ length: BATCHES }, (_, b) => {
    const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) =>
      realisticEvent(b * EVENTS_PER_BATCH + i, now),
    );
    const body = `${JSON.stringify(events)}\r\n`;
    const signature = sign('sha256', Buffer.from(timestamp + body), { key: privateKey, dsaEncoding: 'der' });
    return { body, signature: signature.toString('base64'), timestamp };
  });
  return { publicKeyBase64: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), batches };
}

/** Runs `verifyOne` over the batches for at least ROUND_MS; events per second. */
function measure(batches: SignedBatch[], verifyOne: (batch: SignedBatch) => number): number {
  let events = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  do {
    for (const batch of batches) events += verifyOne(batch);
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  } while (elapsedMs < ROUND_MS);
  return events / (elapsedMs / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function webhookVerify(): Promise<BenchResult> {
  const { publicKeyBase64, batches } = signedBatches();

  const publicKey = sendGridPublicKey(publicKeyBase64);
  const ours = (batch: SignedBatch): number =>
    verifySignedBatch(
      { signature: batch.signature, timestamp: batch.timestamp, body: rawBodyBytes({ body: batch.body }) },
      { publicKey, maxAgeSeconds: 600 },
    ).length;

  const webhook = new EventWebhook();
  const ecdsaKey = webhook.convertPublicKeyToECDSA(publicKeyBase64);
  const baseline = (batch: SignedBatch): number => {
    if (!webhook.verifySignature(ecdsaKey, batch.body, batch.signature, batch.timestamp)) {
      throw new Error('baseline refused a valid batch');
    }
    return (JSON.parse(batch.body) as unknown[]).length;
  };

  // Both must accept every batch and refuse a tampered one, or the comparison means nothing.
  const tampered = { ...batches[0]!, body: batches[0]!.body.replace('customer', 'Customer') };
  if (webhook.verifySignature(ecdsaKey, tampered.body, tampered.signature, tampered.timestamp)) {
    throw new Error('baseline accepted a tampered batch');
  }
  let oursRefused = false;
  try {
    ours(tampered);
  } catch {
    oursRefused = true;
  }
  if (!oursRefused) throw new Error('ours accepted a tampered batch');

  // Warm-up (JIT) for both, then interleaved rounds.
  batches.forEach(ours);
  batches.slice(0, 5).forEach(baseline);
  const oursRuns: number[] = [];
  const baselineRuns: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    oursRuns.push(measure(batches, ours));
    baselineRuns.push(measure(batches, baseline));
  }
  const oursRate = median(oursRuns);
  const baselineRate = median(baselineRuns);
  const bodyBytes = round(batches.reduce((n, b) => n + Buffer.byteLength(b.body), 0) / batches.length, 0);
  return {
    name: 'webhook-verify',
    unit: 'events/s',
    ours: round(oursRate, 0),
    baseline: round(baselineRate, 0),
    ratio: round(oursRate / baselineRate, 1),
    notes:
      `${BATCHES} signed batches of ${EVENTS_PER_BATCH} events (~${bodyBytes} bytes each), median of ${ROUNDS} ` +
      `interleaved rounds of ${ROUND_MS / 1000} s a side; ours = node:crypto verify + JSON.parse, ` +
      'baseline = @sendgrid/eventwebhook 8.0.0 verifySignature (starkbank-ecdsa, pure JS) + JSON.parse',
    eventsPerBatch: EVENTS_PER_BATCH,
    batchBytes: bodyBytes,
    oursRuns: oursRuns.map((x) => round(x, 0)),
    baselineRuns: baselineRuns.map((x) => round(x, 0)),
    oursMsPerBatch: round((1000 * EVENTS_PER_BATCH) / oursRate, 3),
    baselineMsPerBatch: round((1000 * EVENTS_PER_BATCH) / baselineRate, 3),
  };
}
