import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

const positive = z.coerce.number().positive();

/** The outbound service's environment, parsed once at cold start; a missing value fails with its name. */
export const OutboundEnvSchema = AwsEnvSchema.extend({
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_TENANTS_TABLE: z.string().min(1),
  MAILROOM_SEND_QUEUE_URL: z.string().url(),
  MAILROOM_ATTACHMENTS_BUCKET: z.string().min(1),
  /** The deployment's stage: tags the SES identities of tenants' domains (docs/design-notes.md). */
  MAILROOM_STAGE: z.string().min(1),
  /** A pending domain is read again from SES at most this often by lists and the accept check. */
  MAILROOM_DOMAIN_REFRESH_SECONDS: positive.default(60),
  MAILROOM_PROVIDER: z.enum(['ses', 'sendgrid']).default('ses'),
  MAILROOM_SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Sends per second through SES; unset means "ask SES" (GetAccount's MaxSendRate) at cold start. */
  MAILROOM_SES_MAX_SEND_RATE: positive.optional(),
  MAILROOM_SENDGRID_MAX_SEND_RATE: positive.default(100),
  /**
   * The share of the quota the budget hands out. Slots are evenly spaced, but requests reach the
   * provider with some jitter; 5% headroom absorbs about 50 ms of it at 20/s without a throttle.
   */
  MAILROOM_SEND_RATE_SHARE: z.coerce.number().gt(0).max(1).default(0.95),
  SENDGRID_API_KEY: z.string().min(1).optional(),
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
  /** Backoff of retryable failures, as SQS visibility: full jitter over base · 2^attempt, capped. */
  MAILROOM_RETRY_BASE_SECONDS: positive.default(2),
  MAILROOM_RETRY_CAP_SECONDS: positive.default(300),
});

export type OutboundConfig = z.infer<typeof OutboundEnvSchema>;

let cached: OutboundConfig | undefined;
export const outboundConfig = (): OutboundConfig => (cached ??= parseEnv(OutboundEnvSchema));
