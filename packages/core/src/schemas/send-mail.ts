import { z } from 'zod';
import { AddressSchema, normalizeAddress } from './address';
import { AttachmentSchema } from './attachments';
import { headerSafeString, IdempotencyKeySchema, ProviderSchema, TenantIdSchema, UlidSchema } from './common';
import { HeadersSchema } from './headers';
import { TOO_LARGE } from './issues';
import { boundedJson } from './json-depth';
import {
  MAX_ATTACHMENTS,
  MAX_MESSAGE_BYTES,
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MAX_METADATA_KEYS,
  MAX_QUEUE_BODY_BYTES,
  MAX_RECIPIENTS,
  MAX_REPLY_TO,
  MAX_SUBJECT_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TAGS_TOTAL_BYTES,
} from './limits';
import { estimateMessageSize, estimateQueueBodySize, type SizedMessage } from './size';

const TAG_PART = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_TAG_LENGTH}}$`);
const TAG_RULE = `1–${MAX_TAG_LENGTH} ASCII letters, digits, "_" or "-" (SES MessageTag rules)`;

/** Tag names starting with `mailroom_` are Mailroom's (`mailroom_message_id` maps events back to messages). */
export const TagsSchema = z
  .record(
    z
      .string()
      .regex(TAG_PART, { error: `tag name must be ${TAG_RULE}` })
      .refine((k) => !k.toLowerCase().startsWith('mailroom_'), {
        error: 'tag names starting with mailroom_ are reserved',
      }),
    z.string().regex(TAG_PART, { error: `tag value must be ${TAG_RULE}` }),
  )
  .refine((t) => Object.keys(t).length <= MAX_TAGS, { error: `at most ${MAX_TAGS} tags` })
  .refine(
    (t) => Object.entries(t).reduce((n, [k, v]) => n + k.length + v.length, 0) <= MAX_TAGS_TOTAL_BYTES,
    {
      error: `tags may total at most ${MAX_TAGS_TOTAL_BYTES} characters`,
    },
  )
  .meta({
    id: 'Tags',
    description:
      'Message tags, name → value, reported with events: SES message tags; SendGrid categories "name:value" (at most 10 with SendGrid).',
  });

/** Each value one level below the metadata object itself, so the whole is at most MAX_METADATA_DEPTH deep. */
export const MetadataSchema = z
  .record(z.string().min(1).max(128), boundedJson(MAX_METADATA_DEPTH - 1))
  .refine((m) => Object.keys(m).length <= MAX_METADATA_KEYS, {
    error: `at most ${MAX_METADATA_KEYS} metadata keys`,
  })
  .refine((m) => Buffer.byteLength(JSON.stringify(m), 'utf8') <= MAX_METADATA_BYTES, {
    error: `metadata may be at most ${MAX_METADATA_BYTES} bytes as JSON`,
  })
  .meta({
    id: 'Metadata',
    description: 'Any JSON object, kept with the message and returned by the read API.',
  });

const recipients = (min: number) => z.array(AddressSchema).min(min).max(MAX_RECIPIENTS);

/** Shared by SendMailRequestSchema and SendQueueMessageSchema (a refined object cannot be extended). */
const sendMailShape = {
  from: AddressSchema,
  to: recipients(1).meta({ description: `1–${MAX_RECIPIENTS} recipients.` }),
  cc: recipients(0).optional(),
  bcc: recipients(0).optional(),
  replyTo: z.union([AddressSchema, z.array(AddressSchema).min(1).max(MAX_REPLY_TO)]).optional(),
  subject: headerSafeString('subject').min(1).max(MAX_SUBJECT_LENGTH),
  text: z
    .string()
    .optional()
    .meta({ description: 'Plain-text body. At least one of text and html is required.' }),
  html: z.string().optional().meta({ description: 'HTML body. At least one of text and html is required.' }),
  headers: HeadersSchema.optional(),
  attachments: z.array(AttachmentSchema).max(MAX_ATTACHMENTS).optional(),
  tags: TagsSchema.optional(),
  metadata: MetadataSchema.optional(),
  provider: ProviderSchema.optional().meta({
    description: "Overrides the tenant's provider for this message.",
  }),
};

/** Names the unknown fields; zodIssuesToDetails further splits them into one detail per field. */
const unknownKeys = (what: string) => ({
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === 'unrecognized_keys' ? `unknown field(s) in ${what}: ${issue.keys.join(', ')}` : undefined,
});

const checkMessage = (msg: SizedMessage, ctx: z.core.$RefinementCtx): void => {
  const total = msg.to.length + (msg.cc?.length ?? 0) + (msg.bcc?.length ?? 0);
  if (total > MAX_RECIPIENTS) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `at most ${MAX_RECIPIENTS} recipients across to, cc and bcc (SES limit); got ${total}`,
    });
  }
  if (!msg.text && !msg.html) {
    ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html is required' });
  }
  const queueBytes = estimateQueueBodySize(msg);
  if (queueBytes > MAX_QUEUE_BODY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      params: TOO_LARGE,
      message: `request is ${queueBytes} bytes, over the ${MAX_QUEUE_BODY_BYTES}-byte queue limit; upload large attachments with POST /v1/attachments`,
    });
  }
  const messageBytes = estimateMessageSize(msg);
  if (messageBytes > MAX_MESSAGE_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      params: TOO_LARGE,
      message: `message would be about ${messageBytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte SES limit`,
    });
  }
};

export const SendMailRequestSchema = z
  .strictObject(sendMailShape, unknownKeys('SendMailRequest'))
  .superRefine(checkMessage)
  .meta({ id: 'SendMailRequest', description: 'A message to send (POST /v1/messages, or the send queue).' });
export type SendMailRequest = z.infer<typeof SendMailRequestSchema>;

/**
 * docs/contract.md, "Send queue body": the request plus tenantId, id (ULID) and version 1. `idempotencyKey` is
 * optional: the HTTP layer copies the `Idempotency-Key` header into it; the dedupe lock keys on it, or on
 * `id` when absent.
 */
export const SendQueueMessageSchema = z
  .strictObject(
    {
      ...sendMailShape,
      tenantId: TenantIdSchema,
      id: UlidSchema,
      version: z.literal(1),
      idempotencyKey: IdempotencyKeySchema.optional(),
      /**
       * Set by Mailroom, not by senders: the epoch ms of the slot reserved for this mail in its tenant's
       * share of the send budget (services/outbound/src/rate/tenant-share.ts).
       */
      shareSlotAt: z.number().int().nonnegative().optional(),
      /**
       * Set by Mailroom, not by senders, on a copy it puts back on the queue while the mail waits for its
       * tenant's share or the send budget: the attempts earlier copies made (docs/contract.md, "Send queue
       * body"), so waiting uses up no retry attempt and a copy gains none.
       */
      attemptsUsed: z.number().int().min(0).max(1000).optional(),
      /**
       * Set by Mailroom, not by senders, on the copy a retry (`POST /v1/messages/{id}/retry`) puts on the
       * queue: the fresh attempt's id. The dedupe lock is keyed on it, and only the copy of the message's
       * current attempt may send (docs/message-retry.md).
       */
      retryId: UlidSchema.optional(),
    },
    unknownKeys('the send queue body'),
  )
  .superRefine(checkMessage)
  .meta({ id: 'SendQueueMessage', description: 'Body of a send queue message (version 1).' });
export type SendQueueMessage = z.infer<typeof SendQueueMessageSchema>;

/** Every recipient address (to, cc, bcc), lower-cased and de-duplicated, e.g. for a suppression check. */
export const recipientEmails = (msg: Pick<SizedMessage, 'to' | 'cc' | 'bcc'>): string[] => [
  ...new Set(
    [...msg.to, ...(msg.cc ?? []), ...(msg.bcc ?? [])].map((a) => normalizeAddress(a).email.toLowerCase()),
  ),
];
