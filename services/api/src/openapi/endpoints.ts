import {
  AddDomainRequestSchema,
  AttachmentUploadRequestSchema,
  AttachmentUploadSchema,
  CreatedWebhookSchema,
  DomainNameSchema,
  DomainSchema,
  IdempotencyKeySchema,
  InboundMailSchema,
  InboundRetryAcceptedSchema,
  InboundSummarySchema,
  ListDomainsQuerySchema,
  listPageSchema,
  MeSchema,
  MessageAcceptedSchema,
  MessageRetriedSchema,
  MessageSchema,
  MessageSummarySchema,
  SendMailRequestSchema,
  StatsSchema,
  WebhookSchema,
} from '@mailroom/core';
import { z } from 'zod';
import { StatsQuerySchema } from '../get-stats';
import { ListInboundQuerySchema } from '../inbound/list-inbound';
import { ListMessagesQuerySchema } from '../messages/list-messages';
import { DlqNameSchema, DlqDepthsSchema, RedriveAnswerSchema, RedriveBodySchema } from '../ops/dlq';
import { CreateWebhookBodySchema } from '../webhooks/create-webhook';
import { ListWebhooksQuerySchema } from '../webhooks/list-webhooks';
import type { Endpoint } from './catalogue';

const idParam = (what: string) =>
  z.object({ id: z.string().meta({ description: `The ${what} id (ULID); any other value is a 404.` }) });
const notFound = (what: string) => ({
  status: 404 as const,
  code: 'RESOURCE.NOT_FOUND',
  when: `no such ${what}, or another tenant's`,
});

/**
 * Every `/v1` endpoint of the outbound and api services, and `/health`: the OpenAPI document
 * (`GET /v1/openapi.json`) and docs/api.md are made from this list. Adding an endpoint is one entry here;
 * a test fails while a route in serverless.yml has none.
 */
export const ENDPOINTS: Endpoint[] = [
  // --- outbound ---------------------------------------------------------------------------------
  {
    method: 'POST',
    path: '/v1/messages',
    service: 'outbound',
    summary: 'Send a message',
    description:
      'Queues a message for sending. The same Idempotency-Key with the same body answers the first answer again.',
    scope: 'send',
    headers: z.object({ 'Idempotency-Key': IdempotencyKeySchema.optional() }),
    body: SendMailRequestSchema,
    success: { status: 202, description: 'Queued.', schema: MessageAcceptedSchema },
    errors: [
      {
        status: 403,
        code: 'SENDER.DOMAIN_NOT_VERIFIED',
        when: 'the from domain (or a parent) is not a verified domain of the tenant; nothing queued',
      },
      { status: 409, code: 'RESOURCE.CONFLICT', when: 'the Idempotency-Key was used with a different body' },
      { status: 413, code: 'REQUEST.TOO_LARGE', when: 'the finished mail is over the provider limit' },
      {
        status: 429,
        code: 'REQUEST.RATE_LIMITED',
        when: "over the tenant's own send rate (see Retry-After)",
      },
    ],
  },
  {
    method: 'POST',
    path: '/v1/attachments',
    service: 'outbound',
    summary: 'Announce an attachment upload',
    description: 'Answers a presigned PUT URL; reference the key in a message once the file is uploaded.',
    scope: 'send',
    body: AttachmentUploadRequestSchema,
    success: { status: 201, description: 'Upload URL issued.', schema: AttachmentUploadSchema },
  },
  {
    method: 'POST',
    path: '/v1/domains',
    service: 'outbound',
    summary: 'Add a sending domain',
    description: 'Claims the domain for the tenant and answers the DNS records to publish.',
    scope: 'admin',
    body: AddDomainRequestSchema,
    success: { status: 201, description: 'Domain added, pending verification.', schema: DomainSchema },
    errors: [
      { status: 409, code: 'RESOURCE.CONFLICT', when: 'another tenant holds the domain or a parent of it' },
    ],
  },
  {
    method: 'GET',
    path: '/v1/domains',
    service: 'outbound',
    summary: 'List sending domains',
    scope: 'admin',
    query: ListDomainsQuerySchema,
    success: {
      status: 200,
      description: "The tenant's domains in name order.",
      schema: listPageSchema(DomainSchema, 'DomainPage'),
    },
  },
  {
    method: 'GET',
    path: '/v1/domains/{domain}',
    service: 'outbound',
    summary: 'Read a sending domain',
    scope: 'admin',
    params: z.object({ domain: DomainNameSchema }),
    invalidPath: true,
    success: { status: 200, description: 'The domain; its status read from SES.', schema: DomainSchema },
    errors: [notFound('domain')],
  },
  {
    method: 'DELETE',
    path: '/v1/domains/{domain}',
    service: 'outbound',
    summary: 'Delete a sending domain',
    scope: 'admin',
    params: z.object({ domain: DomainNameSchema }),
    invalidPath: true,
    success: { status: 204, description: 'Deleted.' },
    errors: [notFound('domain')],
  },

  // --- api: the key itself ----------------------------------------------------------------------
  {
    method: 'GET',
    path: '/v1/me',
    service: 'api',
    summary: "The key's tenant and scopes",
    description: 'What the console signs in with: any key with the read scope may ask.',
    scope: 'read',
    success: { status: 200, description: 'The key.', schema: MeSchema },
  },

  // --- api: messages and stats -------------------------------------------------------------------
  {
    method: 'GET',
    path: '/v1/messages',
    service: 'api',
    summary: 'List messages',
    description: 'Newest first, filtered by status, recipient and creation time.',
    scope: 'read',
    query: ListMessagesQuerySchema,
    success: {
      status: 200,
      description: 'A page of messages (each without its timeline).',
      schema: listPageSchema(MessageSummarySchema, 'MessagePage'),
    },
  },
  {
    method: 'GET',
    path: '/v1/messages/{id}',
    service: 'api',
    summary: 'Read a message and its timeline',
    scope: 'read',
    params: idParam('message'),
    success: { status: 200, description: 'The message.', schema: MessageSchema },
    errors: [notFound('message')],
  },
  {
    method: 'POST',
    path: '/v1/messages/{id}/retry',
    service: 'api',
    summary: 'Send a failed message again',
    description: 'For failed, dropped or deferred mail.',
    scope: 'send',
    params: idParam('message'),
    success: { status: 202, description: 'Queued again, as a new attempt.', schema: MessageRetriedSchema },
    errors: [
      notFound('message'),
      {
        status: 409,
        code: 'MESSAGE.NOT_RETRYABLE',
        when: 'the message is not failed, dropped or deferred, its stored request has expired, or another retry won',
      },
    ],
  },
  {
    method: 'GET',
    path: '/v1/stats',
    service: 'api',
    summary: 'Counters per hour or day',
    scope: 'read',
    query: StatsQuerySchema,
    success: { status: 200, description: 'Buckets oldest first.', schema: StatsSchema },
  },

  // --- api: inbound ------------------------------------------------------------------------------
  {
    method: 'GET',
    path: '/v1/inbound',
    service: 'api',
    summary: 'List received mail',
    description: 'Newest first, filtered by status, envelope recipient and arrival time.',
    scope: 'read',
    query: ListInboundQuerySchema,
    success: {
      status: 200,
      description: 'A page of received mail.',
      schema: listPageSchema(InboundSummarySchema, 'InboundPage'),
    },
  },
  {
    method: 'GET',
    path: '/v1/inbound/{id}',
    service: 'api',
    summary: 'Read a received mail',
    scope: 'read',
    params: idParam('inbound mail'),
    success: { status: 200, description: 'The mail with its bodies.', schema: InboundMailSchema },
    errors: [notFound('inbound mail')],
  },
  {
    method: 'POST',
    path: '/v1/inbound/{id}/retry',
    service: 'api',
    summary: 'Process a failed received mail again',
    scope: 'send',
    params: idParam('inbound mail'),
    success: { status: 202, description: 'Queued for processing.', schema: InboundRetryAcceptedSchema },
    errors: [
      notFound('inbound mail'),
      { status: 409, code: 'RESOURCE.CONFLICT', when: 'the mail is not failed' },
    ],
  },

  // --- api: status webhooks ----------------------------------------------------------------------
  {
    method: 'POST',
    path: '/v1/webhooks',
    service: 'api',
    summary: 'Add a status webhook',
    description:
      "Every status change of the tenant's mail is POSTed there, signed. The secret is shown once.",
    scope: 'admin',
    body: CreateWebhookBodySchema,
    success: { status: 201, description: 'Created.', schema: CreatedWebhookSchema },
    errors: [{ status: 409, code: 'WEBHOOK.LIMIT', when: 'the tenant has the most endpoints it may have' }],
  },
  {
    method: 'GET',
    path: '/v1/webhooks',
    service: 'api',
    summary: 'List status webhooks',
    scope: 'admin',
    query: ListWebhooksQuerySchema,
    success: {
      status: 200,
      description: 'Oldest first.',
      schema: listPageSchema(WebhookSchema, 'WebhookPage'),
    },
  },
  {
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    service: 'api',
    summary: 'Delete a status webhook',
    scope: 'admin',
    params: idParam('webhook'),
    success: { status: 204, description: 'Deleted.' },
    errors: [notFound('webhook')],
  },

  // --- api: operations (the operator tenant's admin keys only) -------------------------------------
  {
    method: 'GET',
    path: '/v1/ops/dlq',
    service: 'api',
    summary: "Each dead-letter queue's approximate depth",
    description: "The operator tenant's admin keys only (MAILROOM_OPERATOR_TENANT); any other key is a 403.",
    scope: 'admin',
    success: { status: 200, description: 'Approximate counts.', schema: DlqDepthsSchema },
  },
  {
    method: 'POST',
    path: '/v1/ops/dlq/{queue}/redrive',
    service: 'api',
    summary: 'Move dead letters back to their queue',
    description:
      "At most `max` records (default 100); mail already sent is deleted, not sent again. The operator tenant's admin keys only.",
    scope: 'admin',
    params: z.object({ queue: DlqNameSchema }),
    invalidPath: true,
    body: RedriveBodySchema,
    success: { status: 200, description: 'What the run did.', schema: RedriveAnswerSchema },
  },

  // --- api: this document, and liveness --------------------------------------------------------
  {
    method: 'GET',
    path: '/v1/openapi.json',
    service: 'api',
    summary: 'This OpenAPI document',
    scope: null,
    success: {
      status: 200,
      description: 'The OpenAPI 3.1 document of every /v1 endpoint.',
      schema: z.record(z.string(), z.unknown()),
    },
  },
  {
    method: 'GET',
    path: '/health',
    service: 'api',
    summary: 'Liveness (every service answers it)',
    scope: null,
    success: { status: 200, description: 'Up.', schema: z.strictObject({ ok: z.literal(true) }) },
  },
];
