import { IdempotencyKeySchema, parseOrThrow, SendMailRequestSchema } from '@mailroom/core';
import { acceptMessage } from '../../accept-message';
import { httpDeps, route } from '../../wiring';

// The queue body carries the request; SQS takes at most 256 KiB per message. Larger files go
// through POST /v1/attachments. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
const MAX_BODY_BYTES = 200 * 1024;

/** POST /v1/messages */
export const handler = route(
  {
    scope: 'send',
    body: { schema: SendMailRequestSchema, maxBytes: MAX_BODY_BYTES, what: 'SendMailRequest' },
  },
  async ({ principal, body, header }) => {
    const raw = header('idempotency-key');
    // The same schema the send queue applies to a record's idempotencyKey.
    const idempotencyKey =
      raw === undefined
        ? undefined
        : parseOrThrow(IdempotencyKeySchema, raw, 'invalid Idempotency-Key header');
    const deps = await httpDeps();
    const result = await acceptMessage(
      {
        tenantId: principal.tenantId,
        request: body,
        ...(idempotencyKey !== undefined && { idempotencyKey }),
      },
      deps.accept,
    );
    return { status: 202, body: result };
  },
);
