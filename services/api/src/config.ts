import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The api service's environment, parsed once at cold start; a missing value fails with its name. */
export const ApiEnvSchema = AwsEnvSchema.extend({
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_TENANTS_TABLE: z.string().min(1),
  MAILROOM_STAGE: z.string().min(1),
  /** Local cloud only: the Parameter Store stand-in. */
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
}).superRefine((env, ctx) => {
  if (env.MAILROOM_STAGE !== 'local' && env.MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP) {
    ctx.addIssue({
      code: 'custom',
      path: ['MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP'],
      message: 'is for the local cloud only; deployed, webhook URLs must be https',
    });
  }
});

export type ApiConfig = z.infer<typeof ApiEnvSchema>;

let cached: ApiConfig | undefined;
export const apiConfig = (): ApiConfig => (cached ??= parseEnv(ApiEnvSchema));
