import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { MessageStore, Transition } from '@mailroom/core';
import {
  InMemoryDedupeLock,
  InMemoryMessageStore,
  InMemoryRequestStore,
  InMemorySuppressionStore,
} from '@mailroom/core/testing';
import { AttachmentsBucket } from '../../src/adapters/attachments';
import type { MailProvider, OutgoingMail, ProviderCredentials, ProviderName } from '../../src/providers/port';
import type { TenantShareStore } from '../../src/rate/tenant-share';
import type { SendDeps } from '../../src/send-message';
import type { TenantSendSettings } from '../../src/tenant-settings';

/** A clock tests move by hand; sleeping on it moves it. */
export class Clock {
  constructor(public ms = Date.parse('2026-03-01T00:00:00Z')) {}
  now = () => this.ms;
  date = () => new Date(this.ms);
  advance(ms: number) {
    this.ms += ms;
  }
}

/** A throttling error as DynamoDB answers it through the SDK (the local cloud's fault proxy sends the same). */
export const dynamoThrottle = () =>
  new ProvisionedThroughputExceededException({
    $metadata: { httpStatusCode: 400 },
    message: 'Throughput exceeds the current capacity of your table or index.',
  });

/**
 * InMemoryMessageStore whose `transition` fails on demand, as DynamoDB does under throttling: the next
 * `count` transitions that match `when` throw `error` and write nothing.
 */
export class FlakyMessageStore extends InMemoryMessageStore implements MessageStore {
  private rule: { count: number; when: (change: Transition) => boolean; error: () => unknown } | undefined;
  failures = 0;

  failNext(
    count: number,
    when: (change: Transition) => boolean,
    error: () => unknown = dynamoThrottle,
  ): void {
    this.rule = { count, when, error };
  }

  override async transition(...args: Parameters<MessageStore['transition']>): Promise<boolean> {
    const rule = this.rule;
    if (rule && rule.count > 0 && rule.when(args[2])) {
      rule.count -= 1;
      this.failures += 1;
      throw rule.error();
    }
    return super.transition(...args);
  }
}

type Answer = { providerMessageId: string } | { error: unknown };

/** A provider that accepts everything, keeps what it got, and answers a queue of scripted results first. */
export class FakeProvider implements MailProvider {
  readonly sent: { mail: OutgoingMail; credentials?: ProviderCredentials }[] = [];
  private readonly script: Array<Answer | ((mail: OutgoingMail) => Promise<Answer>)> = [];
  private serial = 0;

  constructor(readonly name: ProviderName) {}

  /** The next calls answer these, in order (an `error` is thrown after the call was counted). */
  next(...answers: Array<Answer | ((mail: OutgoingMail) => Promise<Answer>)>): this {
    this.script.push(...answers);
    return this;
  }

  async send(mail: OutgoingMail, credentials?: ProviderCredentials): Promise<{ providerMessageId: string }> {
    const step = this.script.shift();
    const answer = typeof step === 'function' ? await step(mail) : step;
    if (answer && 'error' in answer) throw answer.error;
    this.sent.push({ mail, ...(credentials && { credentials }) });
    return answer ?? { providerMessageId: `${this.name}-${(this.serial += 1)}` };
  }

  subjects(): string[] {
    return this.sent.map((s) => s.mail.subject);
  }
}

/** An S3 client that serves objects from a map (for AttachmentsBucket.load). */
const objectStore = (objects: Map<string, Uint8Array>) =>
  ({
    send: async (command: { input: { Key: string } }) => {
      const body = objects.get(command.input.Key);
      if (!body) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
      return { Body: { transformToByteArray: async () => body } };
    },
  }) as unknown as S3Client;

export interface Twins {
  deps: SendDeps;
  clock: Clock;
  messages: FlakyMessageStore;
  lock: InMemoryDedupeLock;
  suppressions: InMemorySuppressionStore;
  requests: InMemoryRequestStore;
  ses: FakeProvider;
  sendgrid: FakeProvider;
  uploads: Map<string, Uint8Array>;
  delays: { handle: string; seconds: number }[];
  /** Copies put back on the queue (send/budget-wait.ts), in order. */
  requeues: { body: string; delaySeconds: number }[];
  /** Records put on the DLQ by the function. */
  deadLetters: string[];
  counts: string[];
  sleeps: number[];
  logs: { level: string; message: string; data?: unknown }[];
  /** Tenants that exist; `sendgridKey: 'tenant'` ones send with their own key (or throw `keyError`). */
  tenants: Map<string, { provider?: ProviderName; ownKey?: string; keyError?: unknown; sendRate?: number }>;
}

/** The send use case's dependencies as in-memory twins and fake providers, on a clock the test controls. */
export function twins(settings: Partial<SendDeps['settings']> = {}): Twins {
  const clock = new Clock();
  const messages = new FlakyMessageStore(clock.date);
  const lock = new InMemoryDedupeLock();
  const suppressions = new InMemorySuppressionStore(clock.date);
  const requests = new InMemoryRequestStore();
  const ses = new FakeProvider('ses');
  const sendgrid = new FakeProvider('sendgrid');
  const uploads = new Map<string, Uint8Array>();
  const delays: Twins['delays'] = [];
  const requeues: Twins['requeues'] = [];
  const deadLetters: string[] = [];
  const counts: string[] = [];
  const sleeps: number[] = [];
  const logs: Twins['logs'] = [];
  const tenants: Twins['tenants'] = new Map([
    ['acme', {}],
    ['globex', {}],
  ]);
  const log = (level: string) => (message: string, data?: unknown) =>
    void logs.push({ level, message, data });
  const settingsOf = (tenantId: string): TenantSendSettings | undefined => {
    const tenant = tenants.get(tenantId);
    if (!tenant) return undefined;
    return {
      ...(tenant.provider && { provider: tenant.provider }),
      ...(tenant.sendRate !== undefined && { sendRate: tenant.sendRate }),
      ...(tenant.ownKey !== undefined && { sendgridKey: 'tenant' as const }),
      credentials: async (provider) => {
        if (provider !== 'sendgrid' || (tenant.ownKey === undefined && tenant.keyError === undefined))
          return undefined;
        if (tenant.keyError !== undefined) throw tenant.keyError;
        return { account: `tenant:${tenantId}`, apiKey: tenant.ownKey! };
      },
    };
  };
  const deps: SendDeps = {
    messages,
    suppressions,
    requests,
    lock,
    providers: { ses, sendgrid },
    budgets: {},
    accountBudget: () => undefined,
    attachments: new AttachmentsBucket(objectStore(uploads), 'attachments'),
    tenantSettings: async (tenantId) => settingsOf(tenantId),
    // Every sender passes here; the sender-domain rule has its own tests (sender-domain.test.ts).
    checkSender: async () => undefined,
    delay: async (handle, seconds) => void delays.push({ handle, seconds }),
    requeue: async (body, delaySeconds) => void requeues.push({ body, delaySeconds }),
    deadLetter: async (body) => void deadLetters.push(body),
    logger: { info: log('info'), warn: log('warn'), error: log('error') } as unknown as SendDeps['logger'],
    count: (metric) => void counts.push(metric),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    now: clock.now,
    settings: {
      defaultProvider: 'ses',
      leaseMs: 120_000,
      maxReceiveCount: 10,
      retry: { baseSeconds: 2, capSeconds: 300 },
      accountRetry: { baseSeconds: 60, capSeconds: 900 },
      recordRetryMs: 8_000,
      ...settings,
    },
  };
  return {
    deps,
    clock,
    messages,
    lock,
    suppressions,
    requests,
    ses,
    sendgrid,
    uploads,
    delays,
    requeues,
    deadLetters,
    counts,
    sleeps,
    logs,
    tenants,
  };
}

/** The tenant shares' GCRA in memory: the same answers as DynamoTenantShareStore (rate/tenant-share.ts). */
export class InMemoryTenantShareStore implements TenantShareStore {
  readonly tat = new Map<string, number>();

  async reserve(
    tenantId: string,
    units: number,
    intervalMs: number,
    { now, maxWaitMs }: { now: number; maxWaitMs?: number },
  ): Promise<{ slotAt: number } | { retryAfterMs: number }> {
    const slotAt = Math.max(this.tat.get(tenantId) ?? 0, now);
    if (maxWaitMs !== undefined && slotAt - now > maxWaitMs)
      return { retryAfterMs: slotAt - now - maxWaitMs };
    this.tat.set(tenantId, slotAt + units * intervalMs);
    return { slotAt };
  }
}
