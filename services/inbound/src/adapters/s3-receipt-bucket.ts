import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { RawMissingError } from '../process/errors';
import type { ReceiptBucket } from '../process/receipt-bucket';
import { uploadStream } from './part-upload';

const isMissing = (err: unknown) =>
  err instanceof Error &&
  (err.name === 'NoSuchKey' ||
    err.name === 'NotFound' ||
    (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

/** A file name for Content-Disposition: RFC 6266 `filename*` (UTF-8, percent-encoded) and an ASCII fallback. */
const disposition = (filename: string) => {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
};

/** The receipt bucket on S3; attachments stream in one 5 MiB part at a time (part-upload.ts). */
export class S3ReceiptBucket implements ReceiptBucket {
  constructor(
    private readonly s3: S3Client,
    readonly name: string,
    private readonly urlSeconds: number,
  ) {}

  async read(key: string): Promise<Readable> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
      if (!Body) throw new RawMissingError(`raw MIME ${key} has no body`);
      return Body as Readable;
    } catch (err) {
      if (isMissing(err))
        throw new RawMissingError(`raw MIME ${key} is not in the receipt bucket`, { cause: err });
      throw err;
    }
  }

  async write(key: string, body: Readable | string, contentType: string): Promise<void> {
    const stream = typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body;
    await uploadStream(this.s3, { Bucket: this.name, Key: key, ContentType: contentType }, stream);
  }

  async copy(from: string, to: string): Promise<void> {
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.name,
          Key: to,
          CopySource: `${this.name}/${from.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
    } catch (err) {
      if (isMissing(err))
        throw new RawMissingError(`raw MIME ${from} is not in the receipt bucket`, { cause: err });
      throw err;
    }
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.name, Key: key }));
  }

  downloadUrl(key: string, filename: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.name,
        Key: key,
        ResponseContentDisposition: disposition(filename),
      }),
      { expiresIn: this.urlSeconds },
    );
  }
}
