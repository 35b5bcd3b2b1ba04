import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

const positive = z.coerce.number().int().positive();

/** The notify function's environment (services/events/serverless.yml, function notify), parsed once. */
export const NotifyEnvSchema = AwsEnvSchema.extend({
  MAILROOM_TENANTS_TABLE: z.string().min(1),
  MAILROOM_NOTIFY_DLQ_URL: z.url(),
  /** Local cloud only: the Parameter Store stand-in. */
  MAILROOM_SSM_ENDPOINT: z.url().optional(),
  /** Attempts per delivery within one invocation, and each POST's timeout (docs/status-webhooks.md). */
  MAILROOM_NOTIFY_ATTEMPTS: positive.max(10).default(3),
  MAILROOM_NOTIFY_TIMEOUT_MS: positive.min(500).max(10_000).default(5_000),
  /** How long a container trusts its copy of a tenant's active endpoints. */
  MAILROOM_NOTIFY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
});

export type NotifyConfig = z.infer<typeof NotifyEnvSchema>;

let cached: NotifyConfig | undefined;
export const notifyConfig = (): NotifyConfig => (cached ??= parseEnv(NotifyEnvSchema));
