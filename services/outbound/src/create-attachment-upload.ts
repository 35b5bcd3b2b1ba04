import { newId, type AttachmentUploadRequest } from '@mailroom/core';
import type { AttachmentsBucket } from './adapters/attachments';

const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/** Keeps a filename readable in the key while refusing path tricks (`../`, slashes, control chars). */
const safeName = (filename: string) =>
  filename
    .replace(/[^\w.\- ]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 200) || 'attachment';

/**
 * `POST /v1/attachments`: a presigned PUT under the tenant's own prefix. The key is the only
 * handle to the upload, and the send side reads a key only for the tenant it starts with.
 */
export async function createAttachmentUpload(
  tenantId: string,
  request: AttachmentUploadRequest,
  bucket: Pick<AttachmentsBucket, 'uploadUrl'>,
  now: () => Date = () => new Date(),
): Promise<{ key: string; uploadUrl: string; expiresAt: string }> {
  const key = `${tenantId}/${newId()}/${safeName(request.filename)}`;
  const uploadUrl = await bucket.uploadUrl(key, request.contentType, request.size, UPLOAD_URL_TTL_SECONDS);
  return {
    key,
    uploadUrl,
    expiresAt: new Date(now().getTime() + UPLOAD_URL_TTL_SECONDS * 1000).toISOString(),
  };
}
