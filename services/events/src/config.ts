import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

const localEndpoint = (description: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .meta({ description });

/** What every events function reads (docs/contract.md, "Configuration"), parsed once at cold start. */
export const EventsEnvSchema = AwsEnvSchema.extend({
  MAILROOM_STAGE: z.string().min(1),
  MAILROOM_FIREHOSE_ENDPOINT: localEndpoint('Firehose endpoint (local cloud only)'),
  MAILROOM_SSM_ENDPOINT: localEndpoint('Parameter Store endpoint (local cloud only)'),
});

/** The SendGrid webhook (`sendgridWebhook`). */
export const WebhookEnvSchema = EventsEnvSchema.extend({
  /**
   * SendGrid's Event Webhook verification key: base64 DER (SPKI), exactly as SendGrid displays it. Set
   * locally; deployed, the key is read from the parameter below instead.
   */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z.string().min(1).optional(),
  /** The Parameter Store name holding that key when deployed (`/mailroom/<stage>/sendgrid-webhook-public-key`). */
  MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER: z.string().min(1).optional(),
  /** The largest accepted age of a webhook timestamp, in seconds; `0` turns the check off. */
  SENDGRID_WEBHOOK_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(600),
  /** The SendGrid events' delivery stream (`mailroom-<stage>-sendgrid-events`). */
  MAILROOM_SENDGRID_EVENTS_STREAM: z.string().min(1),
}).refine(
  (env) =>
    env.SENDGRID_WEBHOOK_PUBLIC_KEY !== undefined ||
    env.MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER !== undefined,
  {
    path: ['SENDGRID_WEBHOOK_PUBLIC_KEY'],
    message: 'set SENDGRID_WEBHOOK_PUBLIC_KEY or MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER',
  },
);

/** The tracker (`track`). */
export const TrackEnvSchema = EventsEnvSchema.extend({
  /** Outbound's messages table: statuses, timelines, seen events, counters and suppression lists. */
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
});

export type WebhookConfig = z.infer<typeof WebhookEnvSchema>;
export type TrackConfig = z.infer<typeof TrackEnvSchema>;

let webhook: WebhookConfig | undefined;
let track: TrackConfig | undefined;
export const webhookConfig = (): WebhookConfig => (webhook ??= parseEnv(WebhookEnvSchema));
export const trackConfig = (): TrackConfig => (track ??= parseEnv(TrackEnvSchema));
