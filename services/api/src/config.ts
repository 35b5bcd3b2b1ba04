import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The api service's environment, parsed once at cold start; a missing value fails with its name. */
export const ApiEnvSchema = AwsEnvSchema.extend({
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_TENANTS_TABLE: z.string().min(1),
});

export type ApiConfig = z.infer<typeof ApiEnvSchema>;

let cached: ApiConfig | undefined;
export const apiConfig = (): ApiConfig => (cached ??= parseEnv(ApiEnvSchema));
