import { AwsEnvSchema, parseEnv, TenantIdSchema } from '@mailroom/core';
import { z } from 'zod';

/**
 * The ops functions' environment (on top of the api's own): parsed once, at the first ops request, so
 * the other api functions do not need it.
 */
export const OpsEnvSchema = AwsEnvSchema.extend({
  /** Owned by outbound (compose params `sendQueueUrl`, `sendDlqUrl`). */
  MAILROOM_SEND_QUEUE_URL: z.url(),
  MAILROOM_SEND_DLQ_URL: z.url(),
  /** Owned by inbound (compose params `inboundQueueUrl`, `inboundDlqUrl`). */
  MAILROOM_INBOUND_QUEUE_URL: z.url(),
  MAILROOM_INBOUND_DLQ_URL: z.url(),
  /**
   * The one tenant whose `admin` keys may use the ops endpoints (the DLQs hold every tenant's mail).
   * Unset or empty: nobody may (every ops request is a 403).
   */
  MAILROOM_OPERATOR_TENANT: z.preprocess((v) => (v === '' ? undefined : v), TenantIdSchema.optional()),
});

export type OpsConfig = z.infer<typeof OpsEnvSchema>;

let cached: OpsConfig | undefined;
export const opsConfig = (): OpsConfig => (cached ??= parseEnv(OpsEnvSchema));
