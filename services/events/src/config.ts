import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The events service's environment (docs/contract.md, "Configuration"), parsed once at cold start. */
export const EventsEnvSchema = AwsEnvSchema.extend({
  MAILROOM_STAGE: z.string().min(1),
  /** SendGrid's Event Webhook verification key: base64 DER (SPKI), exactly as SendGrid displays it. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1),
  /** The largest accepted age of a webhook timestamp, in seconds; `0` turns the check off. */
  SENDGRID_WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(600),
});

export type EventsConfig = z.infer<typeof EventsEnvSchema>;

let cached: EventsConfig | undefined;
export const eventsConfig = (): EventsConfig => (cached ??= parseEnv(EventsEnvSchema));
