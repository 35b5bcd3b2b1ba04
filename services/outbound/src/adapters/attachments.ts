import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConfigError, ValidationError } from '@mailroom/core';
import { unpooled, type BufferSource } from '../buffer-pool';
import type { AttachmentSource } from '../outgoing-mail';

/** Checksum parameters the SDK may sign into a presigned request (flexible checksums). */
const CHECKSUM_PARAM = /^x-amz-(checksum-|sdk-checksum-algorithm$)/i;

/**
 * Reads a body of known length straight into one buffer of that length (from the container's pool,
 * buffer-pool.ts). `transformToByteArray` collects the chunks and then copies them into one array: twice
 * the attachment in memory at the end of the read (send/byte-budget.ts bounds what the send path holds).
 * Without a length, or from a body that is not a stream, it is used as it is.
 */
async function readInto(
  body: { transformToByteArray(): Promise<Uint8Array> },
  length: number | undefined,
  key: string,
  buffers: BufferSource,
): Promise<Uint8Array> {
  const chunks = body as unknown as Partial<AsyncIterable<Uint8Array>>;
  if (length === undefined || typeof chunks[Symbol.asyncIterator] !== 'function')
    return body.transformToByteArray();
  const out = buffers.take(length);
  let offset = 0;
  try {
    for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
      if (offset + chunk.length > length)
        throw new Error(`attachment ${key} is longer than its ContentLength`);
      out.set(chunk, offset);
      offset += chunk.length;
    }
    // A connection cut short: retryable (an unclassified error is retried), the object is still there.
    if (offset !== length) throw new Error(`attachment ${key} ended after ${offset} of ${length} bytes`);
  } catch (err) {
    buffers.give(out);
    throw err;
  }
  return out;
}

/** The attachments bucket. Keys are `<tenantId>/<id>/<filename>`: a key is only ever read for its own tenant. */
export class AttachmentsBucket implements AttachmentSource {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    /** Where a read's buffer comes from; the send path hands it back once the mail is sent. */
    private readonly buffers: BufferSource = unpooled,
  ) {}

  private owned(tenantId: string, key: string): void {
    // Permanent: no retry can make another tenant's key readable.
    if (!key.startsWith(`${tenantId}/`))
      throw new ValidationError(`attachment ${key} does not belong to this tenant`);
  }

  async load(tenantId: string, key: string): Promise<Uint8Array> {
    this.owned(tenantId, key);
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!object.Body) throw new Error(`attachment ${key} has no body`);
      return await readInto(object.Body, object.ContentLength, key, this.buffers);
    } catch (err) {
      // Expired by the bucket's lifecycle rule or never uploaded: waiting will not bring it back.
      if ((err as Error).name === 'NoSuchKey')
        throw new ValidationError(`attachment ${key} is gone`, { cause: err });
      throw err;
    }
  }

  async size(tenantId: string, key: string): Promise<number | undefined> {
    this.owned(tenantId, key);
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength;
    } catch (err) {
      if ((err as Error).name === 'NotFound' || (err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  /**
   * A presigned PUT bound to the content type and length, so the upload is exactly what was declared. The
   * client must be built with `requestChecksumCalculation: 'WHEN_REQUIRED'` (wiring.ts): otherwise the URL
   * signs in the CRC32 of the empty body it was made from, and S3-compatible storage that checks it
   * refuses every real upload (https://github.com/aws/aws-sdk-js-v3/issues/6994). Such a URL is never
   * handed out.
   */
  async uploadUrl(key: string, contentType: string, size: number, expiresInSeconds: number): Promise<string> {
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: size }),
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    const checksum = [...new URL(url).searchParams.keys()].find((name) => CHECKSUM_PARAM.test(name));
    if (checksum !== undefined) {
      throw new ConfigError(
        `presigned upload URLs would carry ${checksum}: build the S3 client with requestChecksumCalculation WHEN_REQUIRED`,
      );
    }
    return url;
  }
}
