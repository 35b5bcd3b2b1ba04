import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazyDeps } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSesV2Client,
  createSqsClient,
  createSsmClient,
  DynamoDedupeLock,
  DynamoMessageStore,
  DynamoSuppressionStore,
  DynamoTenantStore,
} from '@mailroom/core/aws';
import { httpStack } from '@mailroom/core/http';
import type { AcceptDeps } from './accept-message';
import { AttachmentsBucket } from './adapters/attachments';
import { SendQueue } from './adapters/send-queue';
import { TenantSecrets } from './adapters/tenant-secrets';
import { outboundConfig, type OutboundConfig } from './config';
import type { ProviderName } from './providers/port';
import { SendGridProvider } from './providers/sendgrid';
import { SesProvider } from './providers/ses';
import { DynamoSendBudget } from './rate/budget';
import type { SendDeps } from './send-message';
import { tenantSettingsCache } from './tenant-settings';

/** The one place that builds real clients and adapters from config; handlers ask it for deps. */
export const logger = new Logger({ serviceName: 'mailroom-outbound' });
export const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-outbound' });

function base(config: OutboundConfig) {
  const aws = { region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT };
  const doc = createDynamoDocumentClient({
    region: config.AWS_REGION,
    endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
  });
  return {
    doc,
    messages: new DynamoMessageStore(doc, config.MAILROOM_MESSAGES_TABLE),
    suppressions: new DynamoSuppressionStore(doc, config.MAILROOM_MESSAGES_TABLE),
    tenants: new DynamoTenantStore(doc, config.MAILROOM_TENANTS_TABLE),
    queue: new SendQueue(createSqsClient(aws), config.MAILROOM_SEND_QUEUE_URL),
    // WHEN_REQUIRED: no CRC32 of an empty body signed into presigned uploads (adapters/attachments.ts).
    attachments: new AttachmentsBucket(
      createS3Client({ ...aws, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      config.MAILROOM_ATTACHMENTS_BUCKET,
    ),
  };
}

export function createHttpDeps(config: OutboundConfig): ReturnType<typeof base> & { accept: AcceptDeps } {
  const b = base(config);
  return {
    ...b,
    accept: {
      messages: b.messages,
      enqueue: (m) => b.queue.enqueue(m),
      attachmentSize: (tenantId, key) => b.attachments.size(tenantId, key),
      tenantProvider: async (tenantId) => (await b.tenants.getTenant(tenantId))?.provider,
      defaultProvider: config.MAILROOM_PROVIDER,
    },
  };
}

export const httpDeps = lazyDeps(() => createHttpDeps(outboundConfig()));

/** Every HTTP function of this service goes through the one middleware stack (auth, body, errors). */
export const route = httpStack({ logger, metrics, keys: async () => (await httpDeps()).tenants });

async function sesRate(config: OutboundConfig, ses: ReturnType<typeof createSesV2Client>): Promise<number> {
  if (config.MAILROOM_SES_MAX_SEND_RATE) return config.MAILROOM_SES_MAX_SEND_RATE;
  const account = await ses.send(new GetAccountCommand({}));
  const rate = account.SendQuota?.MaxSendRate;
  if (!rate) throw new Error('SES reported no MaxSendRate; set MAILROOM_SES_MAX_SEND_RATE');
  return rate;
}

export async function createSendDeps(config: OutboundConfig): Promise<SendDeps> {
  const b = base(config);
  const sesOptions = { region: config.AWS_REGION, endpoint: config.MAILROOM_SES_ENDPOINT };
  // One attempt per SendEmail: an SDK retry of a throttled send would be a send the budget never
  // granted (ARCHITECTURE.md "Rate"), and it pushed the next budgeted sends over the quota in turn.
  // Failed sends go back to the queue with the use case's backoff instead.
  const ses = createSesV2Client({ ...sesOptions, maxAttempts: 1 });
  const budget = (account: string, rate: number) =>
    new DynamoSendBudget(b.doc, config.MAILROOM_MESSAGES_TABLE, account, {
      rate: rate * config.MAILROOM_SEND_RATE_SHARE,
      maxWaitMs: config.MAILROOM_RATE_MAX_WAIT_MS,
    });
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
    lock: new DynamoDedupeLock(b.doc, config.MAILROOM_MESSAGES_TABLE),
    providers: {
      ses: new SesProvider(ses, { configurationSetName: config.MAILROOM_SES_CONFIGURATION_SET }),
      sendgrid: new SendGridProvider({
        apiKey: config.SENDGRID_API_KEY,
        baseUrl: config.SENDGRID_API_BASE_URL,
      }),
    },
    budgets: {
      ses: budget(`ses#${config.AWS_REGION}`, await sesRate(config, createSesV2Client(sesOptions))),
      sendgrid: budget('sendgrid#default', config.MAILROOM_SENDGRID_MAX_SEND_RATE),
    },
    accountBudget,
    attachments: b.attachments,
    tenantSettings: tenantSettingsCache(
      b.tenants,
      new TenantSecrets(
        createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT }),
        config.MAILROOM_TENANT_SECRETS_PREFIX,
      ),
    ),
    delay: (handle, seconds) => b.queue.delay(handle, seconds),
    logger,
    settings: {
      defaultProvider: config.MAILROOM_PROVIDER,
      leaseMs: config.MAILROOM_LOCK_LEASE_MS,
      maxReceiveCount: config.MAILROOM_SEND_MAX_RECEIVE_COUNT,
      retry: {
        baseSeconds: config.MAILROOM_RETRY_BASE_SECONDS,
        capSeconds: config.MAILROOM_RETRY_CAP_SECONDS,
      },
    },
  };
}

/** Built once per container; a failed build (e.g. GetAccount down at cold start) is tried again next time. */
export const sendDeps = lazyDeps(() => createSendDeps(outboundConfig()));
