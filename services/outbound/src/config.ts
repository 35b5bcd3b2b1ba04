import { AwsEnvSchema, CursorEnvSchema, cursorKeyIssues, KeyCacheEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

const positive = z.coerce.number().positive();

/** The outbound service's environment, parsed once at cold start; a missing value fails with its name. */
export const OutboundEnvSchema = AwsEnvSchema.extend({
  /** `local` under the local cloud; anything else is a deployed stage (docs/design-notes.md). */
  MAILROOM_STAGE: z.string().min(1),
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_TENANTS_TABLE: z.string().min(1),
  MAILROOM_SEND_QUEUE_URL: z.string().url(),
  MAILROOM_SEND_DLQ_URL: z.string().url(),
  MAILROOM_ATTACHMENTS_BUCKET: z.string().min(1),
  /** Full requests (send/claim.ts, accept-message.ts): what a retry or redrive re-sends. */
  MAILROOM_REQUESTS_BUCKET: z.string().min(1),
  /**
   * The requests and attachments buckets' expiry (serverless.yml `requestRetentionDays`). At least 15: a
   * record lives 14 days at most (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html:
   * a DLQ keeps the first enqueue time), and what it refers to must outlive it.
   */
  MAILROOM_REQUEST_RETENTION_DAYS: z.coerce.number().int().min(15).default(30),
  /** A pending domain is read again from SES at most this often by lists and the accept check. */
  MAILROOM_DOMAIN_REFRESH_SECONDS: positive.default(60),
  MAILROOM_PROVIDER: z.enum(['ses', 'sendgrid']).default('ses'),
  MAILROOM_SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Sends per second through SES; unset means "ask SES" (GetAccount's MaxSendRate) at cold start. */
  MAILROOM_SES_MAX_SEND_RATE: positive.optional(),
  /**
   * SES's 24-hour quota in recipients; unset means "ask SES" (GetAccount's Max24HourSend) at cold start.
   * When it is spent, mail waits on the queue until the quota has room again (rate/budget.ts).
   */
  MAILROOM_SES_MAX_24H_SEND: positive.optional(),
  MAILROOM_SENDGRID_MAX_SEND_RATE: positive.default(100),
  /**
   * The share of the quota the budget hands out. Slots are evenly spaced, but requests reach the provider
   * with some jitter: 5% headroom leaves each second a margin of 52 ms, half of it for lateness after the
   * budget's last look, half for lateness it lets pass as on time (rate/budget.ts "Late sends").
   */
  MAILROOM_SEND_RATE_SHARE: z.coerce.number().gt(0).max(1).default(0.95),
  /**
   * A tenant without a `sendRate` of its own may use this share of the account's budgeted rate
   * (rate/tenant-share.ts), so one tenant's burst leaves the rest to the others.
   */
  MAILROOM_TENANT_DEFAULT_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  /** How far ahead a tenant with its own `sendRate` may book before `POST /v1/messages` answers 429. */
  MAILROOM_TENANT_ACCEPT_BURST_SECONDS: positive.default(1),
  /** Local cloud only: the platform key itself. Deployed stages read it from Parameter Store (below). */
  SENDGRID_API_KEY: z.string().min(1).optional(),
  /** The platform's SendGrid key, a SecureString: `/mailroom/<stage>/sendgrid-api-key` (serverless.yml). */
  MAILROOM_SENDGRID_API_KEY_PARAMETER: z
    .string()
    .regex(/^\/[\w.\-/]*[^/]$/, { error: 'must start with / and not end with /' })
    .optional(),
  SENDGRID_API_BASE_URL: z.string().url().optional(),
  /** Where tenants' own provider keys live in Parameter Store (`<prefix>/<tenantId>/sendgrid-api-key`). */
  MAILROOM_TENANT_SECRETS_PREFIX: z
    .string()
    .regex(/^\/[\w.\-/]*[^/]$/, { error: 'must start with / and not end with /' }),
  /** Local cloud only: the Parameter Store stand-in. */
  MAILROOM_SSM_ENDPOINT: z.string().url().optional(),
  /** Must equal the send queue's redrive maxReceiveCount (serverless.yml passes the same value). */
  MAILROOM_SEND_MAX_RECEIVE_COUNT: z.coerce.number().int().min(1),
  MAILROOM_LOCK_LEASE_MS: positive.default(120_000),
  MAILROOM_RATE_MAX_WAIT_MS: positive.default(10_000),
  /**
   * Send slots a container reserves per budget write (rate/budget.ts); unset: rate / 100 (at least 1), which
   * keeps the budget item's writes at 10% of the send rate at most (bench/README.md has the arithmetic).
   */
  MAILROOM_RATE_BLOCK_SLOTS: z.coerce.number().int().positive().optional(),
  /**
   * Unset: a send later than the tolerance after its slot takes a new one. Set (e.g. 400): a send up to
   * this late goes and holds the second after it instead (rate/budget.ts "Late sends"; experimental).
   */
  MAILROOM_RATE_MAX_LATE_MS: positive.optional(),
  /** Backoff of retryable failures, as SQS visibility: full jitter over base · 2^attempt, capped. */
  MAILROOM_RETRY_BASE_SECONDS: positive.default(2),
  MAILROOM_RETRY_CAP_SECONDS: positive.default(300),
  /** The long backoff of account-level faults (send/failure.ts has the arithmetic). */
  MAILROOM_ACCOUNT_RETRY_BASE_SECONDS: positive.default(60),
  MAILROOM_ACCOUNT_RETRY_CAP_SECONDS: positive.default(900),
  /** How long the send function keeps trying to record a mail the provider accepted (send/persist.ts). */
  MAILROOM_RECORD_RETRY_MS: positive.default(8_000),
  /**
   * Attachment memory (MiB) one send container holds at once (send/byte-budget.ts): each mail counts its
   * files and their base64 in the request body, 7/3 of the files' size (heldBytes). Buffers kept for the
   * next mail (MAILROOM_SEND_BUFFERS_KEPT_MB) and garbage not collected yet come on top (bench/README.md,
   * send-memory). 40 keeps a container near 91 MB after loading + 40 + that, whatever its batch holds,
   * well inside the 512 MB function; files totalling up to 17 MiB go at once, a 25 MB file alone. Sending
   * them one after another costs little time where the container's network is what limits a big mail
   * anyway.
   */
  MAILROOM_SEND_BYTES_IN_FLIGHT_MB: positive.default(40),
  /**
   * Buffer memory (MiB) a send container keeps between mails for the next one to reuse (buffer-pool.ts):
   * without it each mail's files and request body are new allocations, and the last mail's, not collected
   * yet, come on top of the next one's. Unset: twice MAILROOM_SEND_BYTES_IN_FLIGHT_MB (a 25 MB file and
   * its request body take 56 MiB). 0: nothing kept, every buffer allocated anew.
   */
  MAILROOM_SEND_BUFFERS_KEPT_MB: z.coerce.number().min(0).optional(),
  /**
   * How long a provider call (SES SendEmail, SendGrid mail/send) may take. Well below the send function's
   * 30 s timeout, which must also hold a rate budget wait and recording the verdict (send/persist.ts). A
   * call that times out may still have been sent: it is handled as outcome unknown (send/failure.ts).
   */
  MAILROOM_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(15_000).default(10_000),
  /** Unsent mail untouched this long is put back on the queue once, then failed (sweep-unsent.ts). */
  MAILROOM_UNSENT_AFTER_MINUTES: positive.default(60),
  /** `GET /v1/domains` cursors (docs/api-lists.md): the key's parameter, or locally the key. */
  ...CursorEnvSchema.shape,
  /** How long a container reuses an API key's answer (docs/api-keys.md). */
  ...KeyCacheEnvSchema.shape,
}).superRefine((env, ctx) => {
  cursorKeyIssues(env, ctx);
  if (env.MAILROOM_STAGE === 'local') return;
  // A deployed stage talks to the real SendGrid, over TLS, with the key from Parameter Store.
  if (env.SENDGRID_API_BASE_URL !== undefined && !env.SENDGRID_API_BASE_URL.startsWith('https://')) {
    ctx.addIssue({ code: 'custom', path: ['SENDGRID_API_BASE_URL'], message: 'must be https when deployed' });
  }
  if (env.SENDGRID_API_KEY !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['SENDGRID_API_KEY'],
      message:
        'is for the local cloud only; deployed, the key is read from MAILROOM_SENDGRID_API_KEY_PARAMETER',
    });
  }
});

export type OutboundConfig = z.infer<typeof OutboundEnvSchema>;

let cached: OutboundConfig | undefined;
export const outboundConfig = (): OutboundConfig => (cached ??= parseEnv(OutboundEnvSchema));
