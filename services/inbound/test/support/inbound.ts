import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteDestination } from '@mailroom/core';
import { InMemoryInboundStore, InMemoryMessageStore, InMemoryRouteStore } from '@mailroom/core/testing';
import { WebhookSecretMissingError } from '../../src/destinations/errors';
import { createDestinationFactory } from '../../src/destinations/factory';
import type { Destination, InboundDelivery } from '../../src/destinations/port';
import type { ProcessDeps } from '../../src/process/process-mail';
import { MemoryBucket } from './memory-bucket';

export const fixture = (name: string): Buffer => readFileSync(join(__dirname, '..', 'fixtures', name));

let sequence = 0;
/** A fresh SES message id (letters and digits, as SES makes them). */
export const sesId = (): string =>
  `t${Date.now().toString(36)}${(++sequence).toString(36)}x${Math.random().toString(36).slice(2, 10)}`;

type Verdict = 'PASS' | 'FAIL' | 'GRAY';

/** An SES `Received` notification of an S3 action, shaped as the AWS documentation's example. */
export const notification = (
  id: string,
  recipients: string[],
  options: {
    bucket?: string;
    key?: string;
    verdicts?: Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', Verdict>>;
  } = {},
) => {
  const template = JSON.parse(fixture('ses/doc-received-s3-action-alert.json').toString('utf8'));
  const v = { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', ...options.verdicts };
  template.mail.messageId = id;
  template.receipt = {
    ...template.receipt,
    timestamp: '2026-12-03T10:00:00.000Z',
    recipients,
    spamVerdict: { status: v.spam },
    virusVerdict: { status: v.virus },
    spfVerdict: { status: v.spf },
    dkimVerdict: { status: v.dkim },
    dmarcVerdict: { status: v.dmarc },
    action: {
      ...template.receipt.action,
      bucketName: options.bucket ?? 'receipts',
      objectKey: options.key ?? `raw/${id}`,
    },
  };
  return template;
};

/**
 * In-memory ports, a memory bucket and a destination factory that records every delivery; `now` is the
 * inbound store's clock (claims, leases, the stuck sweep).
 */
export const harness = (now: () => Date = () => new Date()) => {
  const inbound = new InMemoryInboundStore(now);
  const routes = new InMemoryRouteStore();
  const messages = new InMemoryMessageStore();
  const bucket = new MemoryBucket();
  const delivered: { destination: RouteDestination; delivery: InboundDelivery }[] = [];
  let deliver: (delivery: InboundDelivery) => Promise<void> = async () => undefined;
  // Real destinations; the webhook's secret is never there, and the queue answers nothing.
  const base = createDestinationFactory({
    sqs: { send: async () => ({}) } as never,
    webhook: {
      secrets: {
        get: async (name) => {
          throw new WebhookSecretMissingError(`no signing secret at ${name}`);
        },
      },
    },
  });
  const destinations = (destination: RouteDestination): Destination => {
    const real = base(destination);
    return {
      deliver: async (delivery) => {
        delivered.push({ destination, delivery });
        await deliver(delivery);
        await real.deliver(delivery);
      },
    };
  };
  const logs: { level: string; message: string }[] = [];
  const logger = {
    info: (message: string) => void logs.push({ level: 'info', message }),
    warn: (message: string) => void logs.push({ level: 'warn', message }),
    error: (message: string) => void logs.push({ level: 'error', message }),
  } as unknown as ProcessDeps['logger'];
  const deps: ProcessDeps = { inbound, routes, messages, bucket, destinations, logger };
  return {
    deps,
    inbound,
    routes,
    messages,
    bucket,
    delivered,
    logs,
    /** What every delivery does after being recorded (throw to simulate a failing destination). */
    onDeliver: (fn: (delivery: InboundDelivery) => Promise<void>) => void (deliver = fn),
  };
};
