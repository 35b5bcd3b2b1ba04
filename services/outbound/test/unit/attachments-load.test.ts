import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { AttachmentsBucket } from '../../src/adapters/attachments';
import { BufferPool } from '../../src/buffer-pool';

/** An S3 client whose GetObject answers a streamed body of the given chunks, with a ContentLength. */
const s3Answering = (chunks: Buffer[], contentLength: number | undefined) =>
  ({
    send: async () => ({
      ContentLength: contentLength,
      Body: Object.assign(Readable.from(chunks), {
        transformToByteArray: async () => new Uint8Array(Buffer.concat(chunks)),
      }),
    }),
  }) as unknown as S3Client;

describe('AttachmentsBucket.load (reading an attachment into one buffer of its length)', () => {
  const chunks = [Buffer.from('hello '), Buffer.from('big '), Buffer.from('world')];

  it('reads a streamed body of known length into one buffer, byte for byte', async () => {
    const bucket = new AttachmentsBucket(s3Answering(chunks, 15), 'attachments');
    const bytes = await bucket.load('acme', 'acme/01/a.txt');
    expect(Buffer.from(bytes).toString()).toBe('hello big world');
    expect(bytes.byteLength).toBe(15);
  });

  it('fails (to be retried) on a body cut short or longer than announced, instead of sending it', async () => {
    await expect(
      new AttachmentsBucket(s3Answering(chunks, 20), 'attachments').load('acme', 'acme/01/a.txt'),
    ).rejects.toThrow('attachment acme/01/a.txt ended after 15 of 20 bytes');
    await expect(
      new AttachmentsBucket(s3Answering(chunks, 10), 'attachments').load('acme', 'acme/01/a.txt'),
    ).rejects.toThrow('attachment acme/01/a.txt is longer than its ContentLength');
  });

  it('falls back to the SDK’s own read when the length is not given', async () => {
    const bucket = new AttachmentsBucket(s3Answering(chunks, undefined), 'attachments');
    expect(Buffer.from(await bucket.load('acme', 'acme/01/a.txt')).toString()).toBe('hello big world');
  });

  it("reads into a buffer from the container's pool, and gives it back when the read fails", async () => {
    const pool = new BufferPool(4 * 1024 * 1024, 1);
    const take = jest.spyOn(pool, 'take');
    const bytes = await new AttachmentsBucket(s3Answering(chunks, 15), 'attachments', pool).load(
      'acme',
      'acme/01/a.txt',
    );
    expect(take).toHaveBeenCalledWith(15);
    expect(bytes).toBe(take.mock.results[0]!.value);
    expect(Buffer.from(bytes).toString()).toBe('hello big world');
    expect(pool.kept).toBe(0); // the mail holds it until its provider call is over

    await expect(
      new AttachmentsBucket(s3Answering(chunks, 20), 'attachments', pool).load('acme', 'acme/01/a.txt'),
    ).rejects.toThrow('ended after 15 of 20 bytes');
    expect(pool.kept).toBe(1024 * 1024);
  });
});
