import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  authorize,
  errorResponse,
  header,
  json,
  jsonBody,
  SendMailRequestSchema,
  ValidationError,
  validationDetails,
} from '@mailroom/core';
import { acceptMessage } from '../../accept-message';
import { httpDeps } from '../../wiring';

// The queue body carries the request; SQS takes at most 256 KiB per message. Larger files go
// through POST /v1/attachments. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
const MAX_BODY_BYTES = 200 * 1024;
const MAX_IDEMPOTENCY_KEY = 128;

/** POST /v1/messages */
export const handler = async (event: APIGatewayProxyEventV2) => {
  try {
    const deps = httpDeps();
    const principal = await authorize(event, deps.tenants, 'send');
    const idempotencyKey = header(event, 'idempotency-key');
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)
    ) {
      throw new ValidationError(`Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY} characters`);
    }
    const parsed = SendMailRequestSchema.safeParse(jsonBody(event, MAX_BODY_BYTES));
    if (!parsed.success) {
      throw new ValidationError('invalid SendMailRequest', { details: validationDetails(parsed.error) });
    }
    const result = await acceptMessage(
      { tenantId: principal.tenantId, request: parsed.data, ...(idempotencyKey && { idempotencyKey }) },
      deps.accept,
    );
    return json(202, result);
  } catch (err) {
    return errorResponse(err);
  }
};
