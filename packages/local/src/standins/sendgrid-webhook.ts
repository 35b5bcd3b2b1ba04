/**
 * SendGrid's Signed Event Webhook, locally: batches of events POSTed as a JSON array (followed by
 * CRLF, as SendGrid sends it) to one URL, signed with an ECDSA P-256 key: the signature is base64 DER
 * over the timestamp header's text followed by the body's bytes, SHA-256. A batch the endpoint does
 * not answer with 2xx is posted again with backoff (SendGrid keeps trying for 24 hours; locally a few
 * times, then the batch is logged as lost). One batch is in flight at a time, so events keep their order.
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
 * https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook#retry-logic
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Logger } from '../logger';
import type { SendGridEvent } from './sendgrid-events';

export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

export interface WebhookKeys {
  privateKey: KeyObject;
  /** Base64 DER SubjectPublicKeyInfo: what SendGrid's settings page shows as the verification key. */
  publicKey: string;
}

export function generateWebhookKeys(): WebhookKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey, publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** The signature header's value for `body` sent with `timestamp`. */
export function signBatch(privateKey: KeyObject, timestamp: string, body: Buffer): string {
  return createSign('sha256').update(timestamp).update(body).sign(privateKey).toString('base64');
}

export interface EventWebhookOptions {
  url: string;
  keys: WebhookKeys;
  logger: Logger;
  /** Waits before each retry (default 1, 2, 4 and 8 s: five tries in all). */
  retryDelaysMs?: readonly number[];
  /** How long events gather into one batch (default 250 ms). */
  batchWindowMs?: number;
  /** Most events in one batch. */
  maxBatch?: number;
}

export class EventWebhook {
  /** Batches the endpoint accepted, as sent. */
  readonly accepted: SendGridEvent[][] = [];
  private pending: SendGridEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly options: EventWebhookOptions) {}

  emit(events: readonly SendGridEvent[]): void {
    if (events.length === 0) return;
    this.pending.push(...events);
    if (this.pending.length >= (this.options.maxBatch ?? 1000)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.batchWindowMs ?? 250);
  }

  /** Posts what is pending, then waits for every batch; retries stop early. */
  async close(): Promise<void> {
    this.flush();
    this.closing = true;
    await this.chain;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain.then(() => this.post(batch));
  }

  private async post(batch: SendGridEvent[]): Promise<void> {
    const body = Buffer.from(`${JSON.stringify(batch)}\r\n`);
    const delays = this.options.retryDelaysMs ?? [1000, 2000, 4000, 8000];
    for (let attempt = 0; ; attempt++) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      let outcome: string;
      try {
        const answer = await fetch(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'SendGrid Event API',
            [SIGNATURE_HEADER]: signBatch(this.options.keys.privateKey, timestamp, body),
            [TIMESTAMP_HEADER]: timestamp,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        await answer.arrayBuffer();
        if (answer.ok) {
          this.accepted.push(batch);
          return;
        }
        outcome = `answered ${answer.status}`;
      } catch (e) {
        outcome = `failed: ${String(e)}`;
      }
      const delay = delays[attempt];
      if (delay === undefined || this.closing) {
        this.options.logger.warn(
          `[sendgrid] ${batch.length} webhook events lost: ${this.options.url} ${outcome} ${attempt + 1} times`,
        );
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
