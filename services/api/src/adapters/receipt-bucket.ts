import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { z } from 'zod';
import type { ParsedMail } from '../inbound/deps';

/** The two fields the API shows of the parsed message JSON the inbound `process` function stores. */
const BodiesSchema = z.looseObject({
  text: z.string().nullable().default(null),
  html: z.string().nullable().default(null),
});

/**
 * `Content-Disposition: attachment` with the mail's file name (RFC 6266): an ASCII fallback for old clients
 * and the UTF-8 name in `filename*` (RFC 8187), so a Japanese name downloads as itself. Served as an
 * attachment, whatever its type, an HTML or SVG file never renders in the browser.
 */
export const attachmentDisposition = (filename: string): string => {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
};

/**
 * The receipt bucket's `parsed/` prefix, read-only: the api's role may GetObject there and nowhere else,
 * which is also what the presigned download URLs are signed with.
 */
export class ReceiptBucket implements ParsedMail {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async bodies(key: string): Promise<{ text: string | null; html: string | null } | null> {
    let raw: string;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      raw = (await object.Body?.transformToString('utf-8')) ?? '';
    } catch (err) {
      if ((err as Error).name === 'NoSuchKey') return null;
      throw err;
    }
    const { text, html } = BodiesSchema.parse(JSON.parse(raw));
    return { text, html };
  }

  downloadUrl(
    key: string,
    file: { filename: string; contentType: string },
    expiresInSeconds: number,
  ): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(file.filename),
        ResponseContentType: file.contentType,
      }),
      { expiresIn: expiresInSeconds },
    );
  }
}
