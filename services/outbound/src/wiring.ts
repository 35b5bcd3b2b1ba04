import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Cursors, lazyDeps } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSesV2Client,
  createSqsClient,
  createSsmClient,
  cursorKey,
  DynamoDedupeLock,
  DynamoDomainStore,
  DynamoMessageStore,
  DynamoSuppressionStore,
  DynamoTenantStore,
  S3RequestStore,
} from '@mailroom/core/aws';
import { cachedKeys, httpStack } from '@mailroom/core/http';
import type { AcceptDeps } from './accept-message';
import { AttachmentsBucket } from './adapters/attachments';
import { DeadLetterQueue } from './adapters/dead-letter-queue';
import { platformSendGridKey } from './adapters/platform-key';
import { SendQueue } from './adapters/send-queue';
import { SesIdentityAdapter } from './adapters/ses-identities';
import { TenantSecrets } from './adapters/tenant-secrets';
import { outboundConfig, type OutboundConfig } from './config';
import type { ListDomainDeps } from './domains/deps';
import { refreshDomain } from './domains/refresh-domain';
import { senderDomainCheck } from './domains/sender-check';
import type { ProviderName } from './providers/port';
import { SendGridProvider } from './providers/sendgrid';
import { SesProvider } from './providers/ses';
import { DynamoSendBudget } from './rate/budget';
import { acceptShare, accountRates, DynamoTenantShareStore, TenantShare } from './rate/tenant-share';
import type { DeadLetterDeps } from './mark-dead-letters';
import type { SendDeps } from './send-message';
import { ByteBudget } from './send/byte-budget';
import { BufferPool, unpooled, type BufferSource } from './buffer-pool';
import type { SweepDeps } from './sweep-unsent';
import { tenantSettingsCache } from './tenant-settings';

/** The one place that builds real clients and adapters from config; handlers ask it for deps. */
export const logger = new Logger({ serviceName: 'mailroom-outbound' });
export const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-outbound' });

/** One EMF line per call, so records of a batch processed at once never mix their metrics. */
const publish = (
  name: string,
  value: number,
  unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count,
) => metrics.singleMetric().addMetric(name, unit, value);

/**
 * Locks outlive every record that can still arrive for their message: a record lives at most 14 days
 * from its first enqueue, DLQ included (SQS keeps the original enqueue time; a redrive makes a new record,
 * which finds the message's verdict in its status anyway).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
const LOCK_TTL_SECONDS = 15 * 24 * 3600;

/** `buffers`: where attachment reads take their memory (the send path pools it, buffer-pool.ts). */
function base(config: OutboundConfig, buffers: BufferSource = unpooled) {
  const aws = { region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT };
  const sqs = createSqsClient(aws);
  const doc = createDynamoDocumentClient({
    region: config.AWS_REGION,
    endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
  });
  return {
    doc,
    messages: new DynamoMessageStore(doc, config.MAILROOM_MESSAGES_TABLE),
    suppressions: new DynamoSuppressionStore(doc, config.MAILROOM_MESSAGES_TABLE),
    tenants: new DynamoTenantStore(doc, config.MAILROOM_TENANTS_TABLE),
    domains: new DynamoDomainStore(doc, config.MAILROOM_TENANTS_TABLE),
    queue: new SendQueue(sqs, config.MAILROOM_SEND_QUEUE_URL),
    dlq: new DeadLetterQueue(sqs, config.MAILROOM_SEND_DLQ_URL),
    requests: new S3RequestStore(createS3Client(aws), config.MAILROOM_REQUESTS_BUCKET),
    share: tenantShare(config, doc),
    // WHEN_REQUIRED: no CRC32 of an empty body signed into presigned uploads (adapters/attachments.ts).
    attachments: new AttachmentsBucket(
      createS3Client({ ...aws, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      config.MAILROOM_ATTACHMENTS_BUCKET,
      buffers,
    ),
  };
}

export function createHttpDeps(config: OutboundConfig): ReturnType<typeof base> & {
  accept: AcceptDeps;
  domainApi: ListDomainDeps;
  keys: ReturnType<typeof cachedKeys>;
} {
  const b = base(config);
  const domainApi: ListDomainDeps = {
    domains: b.domains,
    identities: new SesIdentityAdapter(
      createSesV2Client({ region: config.AWS_REGION, endpoint: config.MAILROOM_SES_ENDPOINT }),
    ),
    region: config.AWS_REGION,
    stage: config.MAILROOM_STAGE,
    refreshAfterMs: config.MAILROOM_DOMAIN_REFRESH_SECONDS * 1000,
    logger,
    cursors: new Cursors(
      cursorKey({
        ssm: createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT }),
        parameter: config.MAILROOM_CURSOR_KEY_PARAMETER,
        localKey: config.MAILROOM_CURSOR_KEY,
      }),
    ),
  };
  return {
    ...b,
    domainApi,
    /** API keys, cached per container for MAILROOM_KEY_CACHE_SECONDS (docs/api-keys.md). */
    keys: cachedKeys(b.tenants, config, logger),
    accept: {
      checkSender: senderDomainCheck({
        domains: b.domains,
        refresh: { domain: (r) => refreshDomain(r, domainApi), afterMs: domainApi.refreshAfterMs },
      }),
      messages: b.messages,
      enqueue: (m, delaySeconds) => b.queue.enqueue(m, delaySeconds),
      storeRequest: (m) => b.requests.put(m),
      attachmentSize: (tenantId, key) => b.attachments.size(tenantId, key),
      tenantProvider: async (tenantId) => (await b.tenants.getTenant(tenantId))?.provider,
      tenantShare: acceptShare(b.share, (tenantId) => b.tenants.getTenant(tenantId)),
      defaultProvider: config.MAILROOM_PROVIDER,
    },
  };
}

export const httpDeps = lazyDeps(() => createHttpDeps(outboundConfig()));

/** Every HTTP function of this service goes through the one middleware stack (auth, body, errors). */
export const route = httpStack({ logger, metrics, keys: async () => (await httpDeps()).keys });

/**
 * SES's quotas, both counted in recipients: the per-second rate and the 24-hour maximum. From the env when
 * set, else from GetAccount (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html);
 * a Max24HourSend that is absent or not positive means no 24-hour quota.
 */
async function sesQuota(
  config: OutboundConfig,
  ses: ReturnType<typeof createSesV2Client>,
): Promise<{ rate: number; max24?: number }> {
  const rateSet = config.MAILROOM_SES_MAX_SEND_RATE;
  const max24Set = config.MAILROOM_SES_MAX_24H_SEND;
  if (rateSet && max24Set) return { rate: rateSet, max24: max24Set };
  const quota = (await ses.send(new GetAccountCommand({}))).SendQuota;
  const rate = rateSet ?? quota?.MaxSendRate;
  if (!rate) throw new Error('SES reported no MaxSendRate; set MAILROOM_SES_MAX_SEND_RATE');
  const max24 = max24Set ?? quota?.Max24HourSend;
  return { rate, ...(max24 !== undefined && max24 > 0 && { max24 }) };
}

/** Each tenant's share of the platform accounts' budgets (rate/tenant-share.ts), at accept and at send. */
function tenantShare(config: OutboundConfig, doc: ReturnType<typeof createDynamoDocumentClient>) {
  const ses = createSesV2Client({ region: config.AWS_REGION, endpoint: config.MAILROOM_SES_ENDPOINT });
  const rate = async (provider: ProviderName) =>
    config.MAILROOM_SEND_RATE_SHARE *
    (provider === 'ses' ? (await sesQuota(config, ses)).rate : config.MAILROOM_SENDGRID_MAX_SEND_RATE);
  return new TenantShare(new DynamoTenantShareStore(doc, config.MAILROOM_MESSAGES_TABLE), {
    accountRate: accountRates(rate),
    defaultShare: config.MAILROOM_TENANT_DEFAULT_SHARE,
    acceptBurstMs: config.MAILROOM_TENANT_ACCEPT_BURST_SECONDS * 1000,
    toleranceMs: 1000,
    lateMs: 2000,
  });
}

export async function createSendDeps(config: OutboundConfig): Promise<SendDeps> {
  const boundBytes = config.MAILROOM_SEND_BYTES_IN_FLIGHT_MB * 1024 * 1024;
  const keptMb = config.MAILROOM_SEND_BUFFERS_KEPT_MB ?? 2 * config.MAILROOM_SEND_BYTES_IN_FLIGHT_MB;
  const buffers = keptMb > 0 ? new BufferPool(keptMb * 1024 * 1024) : unpooled;
  const b = base(config, buffers);
  const sesOptions = { region: config.AWS_REGION, endpoint: config.MAILROOM_SES_ENDPOINT };
  // One attempt per SendEmail: an SDK retry of a throttled send would be a send the budget never
  // granted (docs/architecture.md, "Rate"), and it pushed the next budgeted sends over the quota in turn.
  // Failed sends go back to the queue with the use case's backoff instead.
  const ses = createSesV2Client({
    ...sesOptions,
    maxAttempts: 1,
    requestTimeoutMs: config.MAILROOM_PROVIDER_TIMEOUT_MS,
  });
  const ssm = createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT });
  const budget = (account: string, rate: number, max24HourSend?: number) =>
    new DynamoSendBudget(b.doc, config.MAILROOM_MESSAGES_TABLE, account, {
      rate: rate * config.MAILROOM_SEND_RATE_SHARE,
      quota: rate,
      maxWaitMs: config.MAILROOM_RATE_MAX_WAIT_MS,
      ...(config.MAILROOM_RATE_BLOCK_SLOTS && { blockSlots: config.MAILROOM_RATE_BLOCK_SLOTS }),
      ...(config.MAILROOM_RATE_MAX_LATE_MS && { maxLateMs: config.MAILROOM_RATE_MAX_LATE_MS }),
      ...(max24HourSend !== undefined && { max24HourSend }),
    });
  const sesQuotas = await sesQuota(config, createSesV2Client(sesOptions));
  // Tenants' own accounts: SendGrid only so far, each at the configured SendGrid rate.
  const accountBudgets = new Map<string, DynamoSendBudget>();
  const accountBudget = (provider: ProviderName, account: string) => {
    if (provider !== 'sendgrid') return undefined;
    const name = `sendgrid#${account}`;
    let found = accountBudgets.get(name);
    if (!found) accountBudgets.set(name, (found = budget(name, config.MAILROOM_SENDGRID_MAX_SEND_RATE)));
    return found;
  };
  return {
    messages: b.messages,
    suppressions: b.suppressions,
    requests: b.requests,
    lock: new DynamoDedupeLock(b.doc, config.MAILROOM_MESSAGES_TABLE, { ttlSeconds: LOCK_TTL_SECONDS }),
    providers: {
      ses: new SesProvider(ses, { configurationSetName: config.MAILROOM_SES_CONFIGURATION_SET, buffers }),
      sendgrid: new SendGridProvider({
        apiKey: platformSendGridKey({
          ssm,
          parameter: config.MAILROOM_SENDGRID_API_KEY_PARAMETER,
          localKey: config.SENDGRID_API_KEY,
        }),
        baseUrl: config.SENDGRID_API_BASE_URL,
        timeoutMs: config.MAILROOM_PROVIDER_TIMEOUT_MS,
      }),
    },
    budgets: {
      ses: budget(`ses#${config.AWS_REGION}`, sesQuotas.rate, sesQuotas.max24),
      sendgrid: budget('sendgrid#default', config.MAILROOM_SENDGRID_MAX_SEND_RATE),
    },
    accountBudget,
    attachments: b.attachments,
    bytesInFlight: new ByteBudget(boundBytes),
    buffers,
    tenantSettings: tenantSettingsCache(
      b.tenants,
      new TenantSecrets(ssm, config.MAILROOM_TENANT_SECRETS_PREFIX),
    ),
    delay: (handle, seconds) => b.queue.delay(handle, seconds),
    tenantShare: { share: b.share, requeue: (m, seconds) => b.queue.enqueue(m, seconds) },
    requeue: (body, seconds) => b.queue.requeue(body, seconds),
    deadLetter: (body) => b.dlq.park(body),
    // No SES refresh here: the send role reads domains only, and SES itself refuses unverified senders.
    checkSender: senderDomainCheck({ domains: b.domains }),
    logger,
    count: (metric) => publish(metric, 1),
    settings: {
      defaultProvider: config.MAILROOM_PROVIDER,
      leaseMs: config.MAILROOM_LOCK_LEASE_MS,
      maxReceiveCount: config.MAILROOM_SEND_MAX_RECEIVE_COUNT,
      retry: {
        baseSeconds: config.MAILROOM_RETRY_BASE_SECONDS,
        capSeconds: config.MAILROOM_RETRY_CAP_SECONDS,
      },
      accountRetry: {
        baseSeconds: config.MAILROOM_ACCOUNT_RETRY_BASE_SECONDS,
        capSeconds: config.MAILROOM_ACCOUNT_RETRY_CAP_SECONDS,
      },
      recordRetryMs: config.MAILROOM_RECORD_RETRY_MS,
    },
  };
}

/** Built once per container; a failed build (e.g. GetAccount down at cold start) is tried again next time. */
export const sendDeps = lazyDeps(() => createSendDeps(outboundConfig()));

export function createDeadLetterDeps(config: OutboundConfig): DeadLetterDeps {
  const b = base(config);
  return { dlq: b.dlq, messages: b.messages, logger, count: (metric, value = 1) => publish(metric, value) };
}

export const deadLetterDeps = lazyDeps(() => createDeadLetterDeps(outboundConfig()));

export function createSweepDeps(config: OutboundConfig): SweepDeps {
  const b = base(config);
  return {
    messages: b.messages,
    requests: b.requests,
    enqueue: (m) => b.queue.enqueue(m),
    logger,
    gauge: (metric, value, unit) =>
      publish(metric, value, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count),
    settings: { unsentAfterMinutes: config.MAILROOM_UNSENT_AFTER_MINUTES },
  };
}

export const sweepDeps = lazyDeps(() => createSweepDeps(outboundConfig()));
