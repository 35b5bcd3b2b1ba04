import { AwsEnvSchema, parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The inbound service's environment, parsed once at cold start; a missing value fails with its name. */
export const InboundEnvSchema = AwsEnvSchema.extend({
  MAILROOM_STAGE: z.string().min(1),
  /** Routes and received mail (docs/design-notes.md). */
  MAILROOM_INBOUND_TABLE: z.string().min(1),
  /** The outbound messages table: replies and bounces are linked to the mail they answer there. */
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  /** Where SES writes raw MIME (`raw/`) and processing keeps what it makes. */
  MAILROOM_RECEIPT_BUCKET: z.string().min(1),
  /** The queue `process` reads: retry orders go there. */
  MAILROOM_INBOUND_QUEUE_URL: z.string().url(),
  /** Local cloud only: the Parameter Store stand-in (webhook destinations' signing secrets). */
  MAILROOM_SSM_ENDPOINT: z.string().url().optional(),
  /** Processing attempts a mail gets in all, the first included (retry-failed stops there). */
  MAILROOM_INBOUND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** retry-failed looks at failed mail received this many days back at most. */
  MAILROOM_INBOUND_RETRY_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** How long the attachment download URLs handed to destinations stay valid. */
  MAILROOM_INBOUND_URL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(3600),
});
export type InboundConfig = z.output<typeof InboundEnvSchema>;

export const inboundConfig = (): InboundConfig => parseEnv(InboundEnvSchema, process.env);
