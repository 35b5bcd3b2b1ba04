import { AwsEnvSchema, CursorEnvSchema, cursorKeyIssues, parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The api service's environment, parsed once at cold start; a missing value fails with its name. */
export const ApiEnvSchema = AwsEnvSchema.extend({
  /** `local` under the local cloud; anything else is a deployed stage. */
  MAILROOM_STAGE: z.string().min(1),
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_TENANTS_TABLE: z.string().min(1),
  /** Owned by the inbound service (compose params `inboundTableName`, `receiptBucketName`, `inboundQueueUrl`). */
  MAILROOM_INBOUND_TABLE: z.string().min(1),
  MAILROOM_RECEIPT_BUCKET: z.string().min(1),
  MAILROOM_INBOUND_QUEUE_URL: z.url(),
  /** How long `GET /v1/inbound/{id}`'s attachment download URLs stay valid (at most an hour). */
  MAILROOM_DOWNLOAD_URL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  /** Local cloud only: the Parameter Store stand-in (the cursor key's parameter). */
  MAILROOM_SSM_ENDPOINT: z.url().optional(),
  /** List cursors (docs/api-lists.md): the key's parameter, or locally the key. */
  ...CursorEnvSchema.shape,
}).superRefine(cursorKeyIssues);

export type ApiConfig = z.infer<typeof ApiEnvSchema>;

let cached: ApiConfig | undefined;
export const apiConfig = (): ApiConfig => (cached ??= parseEnv(ApiEnvSchema));
