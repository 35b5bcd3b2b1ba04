import { z } from 'zod';
import { STAT_COUNTERS } from '../stores/counters/port';
import { INBOUND_STATUSES, type InboundStatus } from '../stores/inbound/port';
import { MessageStatusSchema } from './common';
import { VERDICTS } from './route';

/**
 * What the HTTP endpoints answer, as zod schemas: the OpenAPI document (services/api/src/openapi) is built
 * from them, and tests parse real answers with them so the document cannot drift from the code. They
 * describe answers, so they are plain (no transforms) and strict where the answer is ours alone.
 */

const Instant = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 time, UTC.' });
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

/** The contract's error body: every 4xx and 5xx answer of every endpoint. */
export const ErrorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'Stable code to match on, e.g. "REQUEST.INVALID".' }),
      message: z.string().meta({ description: 'For people; may change. 5xx answers never carry internals.' }),
      details: z
        .array(z.strictObject({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per invalid field (400), e.g. {"path": "to[0]", ...}.' }),
    }),
  })
  .meta({ id: 'Error', description: 'An error answer.' });

/** Every list endpoint's page: `{"items": [...], "nextCursor": "..." | null}`; `id` names it in the document. */
export const listPageSchema = <T extends z.ZodType>(item: T, id: string) =>
  z
    .strictObject({
      items: z.array(item),
      nextCursor: nullable(z.string()).meta({
        description: 'Pass back as `cursor` for the next page; null on the last page.',
      }),
    })
    .meta({ id, description: 'One page of a list.' });

const StoredAddressSchema = z
  .union([z.string(), z.strictObject({ email: z.string(), name: z.string().optional() })])
  .meta({ id: 'MessageAddress', description: 'An address as it was sent: "a@b.c" or {"email", "name"}.' });

// --- outbound ---------------------------------------------------------------------------------

export const MessageAcceptedSchema = z
  .strictObject({
    id: z.string().meta({ description: 'The message id (ULID).' }),
    status: z.literal('queued'),
  })
  .meta({ id: 'MessageAccepted', description: 'The mail is queued.' });

export const AttachmentUploadSchema = z
  .strictObject({
    key: z.string().meta({ description: "Reference the file by this key in a message's attachments." }),
    uploadUrl: z.string().meta({ description: 'Presigned PUT URL; send the announced Content-Type.' }),
    expiresAt: Instant,
  })
  .meta({ id: 'AttachmentUpload', description: 'Where to upload an announced file.' });

export const DomainStatusSchema = z
  .enum(['pending', 'verified', 'failed'])
  .meta({ id: 'DomainStatus', description: 'Whether SES has verified the domain.' });

export const DomainSchema = z
  .strictObject({
    domain: z.string(),
    status: DomainStatusSchema,
    dkimStatus: nullable(z.string()),
    mailFrom: nullable(z.string()),
    mailFromStatus: nullable(z.string()),
    records: z.array(
      z.strictObject({ type: z.enum(['CNAME', 'MX', 'TXT']), name: z.string(), value: z.string() }),
    ),
    createdAt: Instant,
    checkedAt: nullable(Instant).meta({ description: 'When the status was last read from SES.' }),
  })
  .meta({ id: 'Domain', description: 'A sending domain and the DNS records to publish for it.' });

// --- api: the key itself ---------------------------------------------------------------------

export const MeSchema = z
  .strictObject({
    tenantId: z.string(),
    scopes: z.array(z.enum(['send', 'read', 'admin'])),
    operator: z.boolean().meta({ description: "Whether the tenant is the operator (the ops endpoints')." }),
  })
  .meta({ id: 'Me', description: 'Who an API key belongs to and what it may do.' });

// --- api: messages and stats ------------------------------------------------------------------

export const MessageEventSchema = z
  .strictObject({
    type: z.string().meta({ description: 'A status, or opened, clicked, replied, retry_scheduled, ...' }),
    at: Instant,
    provider: nullable(z.string()),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'MessageEvent', description: 'One entry of a message timeline.' });

export const MessageSchema = z
  .strictObject({
    id: z.string(),
    tenantId: z.string(),
    status: MessageStatusSchema,
    from: StoredAddressSchema,
    to: z.array(StoredAddressSchema),
    subject: z.string(),
    provider: nullable(z.string()),
    providerMessageId: nullable(z.string()),
    attempts: z.number().int(),
    lastError: nullable(z.string()).meta({ description: 'A code and a short message, safe to show.' }),
    createdAt: Instant,
    updatedAt: Instant,
    events: z.array(MessageEventSchema).meta({ description: 'The timeline, oldest first.' }),
  })
  .meta({ id: 'Message', description: 'A sent message, its status and timeline.' });

export const MessageSummarySchema = MessageSchema.omit({ events: true }).meta({
  id: 'MessageSummary',
  description: 'A message as lists show it: every field of the detail but its timeline.',
});

export const MessageRetriedSchema = z
  .strictObject({
    id: z.string(),
    status: z.literal('queued'),
    retryId: z.string().meta({ description: 'The new attempt (a ULID); the timeline names it.' }),
  })
  .meta({ id: 'MessageRetried', description: 'The stored request is on the send queue again.' });

export const StatsSchema = z
  .strictObject({
    buckets: z.array(
      z.strictObject({
        start: Instant,
        ...Object.fromEntries(STAT_COUNTERS.map((name) => [name, z.number().int()])),
      }),
    ),
  })
  .meta({ id: 'Stats', description: 'Counters per hour or day, oldest bucket first, zeros included.' });

// --- api: inbound -----------------------------------------------------------------------------

export const InboundStatusSchema = z
  .enum(INBOUND_STATUSES as [InboundStatus, ...InboundStatus[]])
  .meta({ id: 'InboundStatus', description: 'Where a received mail stands.' });

const VerdictsSchema = z
  .partialRecord(z.enum(VERDICTS), z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']))
  .meta({ description: "SES's spam, virus, SPF, DKIM and DMARC verdicts." });

const DsnSchema = z
  .strictObject({
    action: nullable(z.string()),
    status: nullable(z.string()),
    diagnosticCode: nullable(z.string()),
    finalRecipient: nullable(z.string()),
    originalMessageId: nullable(z.string()),
  })
  .meta({ id: 'Dsn', description: 'What a delivery status notification reports.' });

const inboundFields = {
  id: z.string(),
  status: InboundStatusSchema,
  from: nullable(z.string()),
  to: z.array(z.string()),
  subject: nullable(z.string()),
  receivedAt: Instant,
  route: nullable(z.string()).meta({ description: 'The matched route pattern.' }),
  verdicts: VerdictsSchema,
  linkedMessageId: nullable(z.string()).meta({ description: 'The sent mail it replies to or reports on.' }),
  dsn: nullable(DsnSchema),
};
const inboundFile = { filename: z.string(), contentType: z.string(), size: z.number().int() };

export const InboundSummarySchema = z
  .strictObject({ ...inboundFields, attachments: z.array(z.strictObject(inboundFile)) })
  .meta({ id: 'InboundSummary', description: 'A received mail as lists show it (no bodies).' });

export const InboundMailSchema = z
  .strictObject({
    ...inboundFields,
    text: nullable(z.string()),
    html: nullable(z.string()),
    bodiesUrl: nullable(z.string()).meta({
      description: 'Download URL of the bodies when they are too large to answer inline (text, html null).',
    }),
    attachments: z.array(
      z.strictObject({ ...inboundFile, url: z.string().meta({ description: 'Short-lived download URL.' }) }),
    ),
  })
  .meta({ id: 'InboundMail', description: 'A received mail with its bodies and attachment URLs.' });

export const InboundRetryAcceptedSchema = z
  .strictObject({ id: z.string(), status: z.literal('received') })
  .meta({ id: 'InboundRetryAccepted', description: 'The mail is queued for processing again.' });

// --- api: webhooks ----------------------------------------------------------------------------

export const WebhookSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(MessageStatusSchema),
    status: z.enum(['active', 'disabled']),
    failures: z.number().int().meta({ description: 'Consecutive failed deliveries.' }),
    lastError: nullable(z.string()),
    createdAt: Instant,
    disabledAt: nullable(Instant),
  })
  .meta({ id: 'Webhook', description: 'A status webhook endpoint (never its secret).' });

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().meta({ description: 'The signing secret; shown this once.' }),
}).meta({ id: 'CreatedWebhook', description: 'A new status webhook endpoint and its signing secret.' });
