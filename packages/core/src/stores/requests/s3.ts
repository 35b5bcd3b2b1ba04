import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SendQueueMessageSchema, type SendQueueMessage } from '../../schemas';
import { requestKey, type RequestStore } from './port';

/**
 * RequestStore on the outbound stack's private requests bucket (SSE at rest by the bucket's default
 * encryption, TLS only by its policy; objects expire by its lifecycle rule).
 */
export class S3RequestStore implements RequestStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(message: SendQueueMessage): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: requestKey(message.tenantId, message.id),
        Body: JSON.stringify(message),
        ContentType: 'application/json',
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<SendQueueMessage | undefined> {
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: requestKey(tenantId, id) }),
      );
      const text = await object.Body?.transformToString('utf8');
      // Checked on the way out too: what is re-sent must still be a valid send queue body.
      return text === undefined ? undefined : SendQueueMessageSchema.parse(JSON.parse(text));
    } catch (err) {
      if ((err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}
