import { AttachmentUploadRequestSchema } from '@mailroom/core';
import { createAttachmentUpload } from '../../create-attachment-upload';
import { httpDeps, route } from '../../wiring';

/** POST /v1/attachments */
export const handler = route(
  {
    scope: 'send',
    body: { schema: AttachmentUploadRequestSchema, maxBytes: 16 * 1024, what: 'attachment upload request' },
  },
  async ({ principal, body }) => {
    const deps = await httpDeps();
    return { status: 201, body: await createAttachmentUpload(principal.tenantId, body, deps.attachments) };
  },
);
