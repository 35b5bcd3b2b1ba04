import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  AttachmentUploadRequestSchema,
  authorize,
  errorResponse,
  json,
  jsonBody,
  ValidationError,
  validationDetails,
} from '@mailroom/core';
import { createAttachmentUpload } from '../../create-attachment-upload';
import { httpDeps } from '../../wiring';

/** POST /v1/attachments */
export const handler = async (event: APIGatewayProxyEventV2) => {
  try {
    const deps = httpDeps();
    const principal = await authorize(event, deps.tenants, 'send');
    const parsed = AttachmentUploadRequestSchema.safeParse(jsonBody(event, 16 * 1024));
    if (!parsed.success) {
      throw new ValidationError('invalid attachment upload request', {
        details: validationDetails(parsed.error),
      });
    }
    return json(201, await createAttachmentUpload(principal.tenantId, parsed.data, deps.attachments));
  } catch (err) {
    return errorResponse(err);
  }
};
