import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LakeObjectRef, LakeObjects } from './port';

/** The lake bucket through S3: GetObject, its body as the stream it is (nothing buffered here). */
export class S3LakeObjects implements LakeObjects {
  constructor(private readonly s3: Pick<S3Client, 'send'>) {}

  async open({ bucket, key }: LakeObjectRef): Promise<AsyncIterable<Uint8Array> | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Body as AsyncIterable<Uint8Array> | undefined;
    } catch (err) {
      if ((err as Error).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}
