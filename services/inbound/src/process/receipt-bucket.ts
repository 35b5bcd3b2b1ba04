import type { Readable } from 'node:stream';

/**
 * The receipt bucket, where SES writes raw MIME under `raw/` and processing keeps what it makes. Keys are
 * always built by keys.ts from ids, never from a mail's content. Implementation: S3ReceiptBucket
 * (adapters/s3-receipt-bucket.ts); tests use an in-memory one.
 */
export interface ReceiptBucket {
  /** The bucket's name, which a notification's S3 action must name. */
  readonly name: string;
  /** Streams an object; RawMissingError when there is none. */
  read(key: string): Promise<Readable>;
  /** Streams `body` into `key` (a multipart upload when large; at most one part buffered at a time). */
  write(key: string, body: Readable | string, contentType: string): Promise<void>;
  /** Copies within the bucket (server side); RawMissingError when `from` is not there. */
  copy(from: string, to: string): Promise<void>;
  /** Deletes; nothing happens when there is no such object. */
  remove(key: string): Promise<void>;
  /** A short-lived download URL. */
  downloadUrl(key: string, filename: string): Promise<string>;
}
