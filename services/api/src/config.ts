import { AwsEnvSchema, CursorEnvSchema, cursorKeyIssues, KeyCacheEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The api service's environment, parsed once at cold start; a missing value fails with its name. */
export const ApiEnvSchema = AwsEnvSchema.extend({
  /** `local` under the local cloud; anything else is a deployed stage. */
  MAILROOM_STAGE: z.string().min(1),
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_TENANTS_TABLE: z.string().min(1),
  /** Local cloud only: the Parameter Store stand-in (webhook secrets, the cursor key's parameter). */
  MAILROOM_SSM_ENDPOINT: z.url().optional(),
  /** Where webhook signing secrets live in Parameter Store (`<prefix>/<tenantId>/<endpointId>`). */
  MAILROOM_WEBHOOK_SECRETS_PREFIX: z
    .string()
    .regex(/^\/[\w.\-/]*[^/]$/, { error: 'must start with / and not end with /' }),
  /** Local cloud only: webhook URLs may be plain http to localhost. */
  MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Owned by the inbound service (compose params `inboundTableName`, `receiptBucketName`, `inboundQueueUrl`). */
  MAILROOM_INBOUND_TABLE: z.string().min(1),
  MAILROOM_RECEIPT_BUCKET: z.string().min(1),
  MAILROOM_INBOUND_QUEUE_URL: z.url(),
  /** Owned by outbound (compose params `sendQueueUrl`, `requestsBucketName`): message retries. */
  MAILROOM_SEND_QUEUE_URL: z.url(),
  MAILROOM_REQUESTS_BUCKET: z.string().min(1),
  /** How long `GET /v1/inbound/{id}`'s attachment download URLs stay valid (at most an hour). */
  MAILROOM_DOWNLOAD_URL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** List cursors (docs/api-lists.md): the key's parameter, or locally the key. */
  ...CursorEnvSchema.shape,
  /** How long a container reuses an API key's answer (docs/api-keys.md). */
  ...KeyCacheEnvSchema.shape,
}).superRefine((env, ctx) => {
  if (env.MAILROOM_STAGE !== 'local' && env.MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP) {
    ctx.addIssue({
      code: 'custom',
      path: ['MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP'],
      message: 'is for the local cloud only; deployed, webhook URLs must be https',
    });
  }
  cursorKeyIssues(env, ctx);
});

export type ApiConfig = z.infer<typeof ApiEnvSchema>;

let cached: ApiConfig | undefined;
export const apiConfig = (): ApiConfig => (cached ??= parseEnv(ApiEnvSchema));
