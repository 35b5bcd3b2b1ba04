import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { uploadStream } from '../../../src/adapters/part-upload';

const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const mock = mockClient(s3);
const target = { Bucket: 'b', Key: 'parsed/x/0', ContentType: 'application/pdf' };
const bytes = (n: number) => Buffer.alloc(n, 7);

beforeEach(() => {
  mock.reset();
  mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  mock
    .on(UploadPartCommand)
    .callsFake(async (input: { PartNumber: number }) => ({ ETag: `"e${input.PartNumber}"` }));
});

describe('uploadStream', () => {
  it('puts a body under one part (an empty one too) with a single PutObject', async () => {
    await uploadStream(s3, target, Readable.from([bytes(10), bytes(5)]), 16);
    await uploadStream(s3, target, Readable.from([]), 16);
    const puts = mock.commandCalls(PutObjectCommand).map((c) => (c.args[0].input.Body as Buffer).length);
    expect(puts).toEqual([15, 0]);
    expect(mock.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
  });

  it('cuts chunks of any size into full parts, the last one shorter, and completes in order', async () => {
    await uploadStream(s3, target, Readable.from([bytes(7), bytes(30), 'abc']), 16);
    const parts = mock
      .commandCalls(UploadPartCommand)
      .map((c) => [c.args[0].input.PartNumber, c.args[0].input.ContentLength]);
    expect(parts).toEqual([
      [1, 16],
      [2, 16],
      [3, 8],
    ]);
    expect(mock.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input.MultipartUpload).toEqual({
      Parts: [
        { PartNumber: 1, ETag: '"e1"' },
        { PartNumber: 2, ETag: '"e2"' },
        { PartNumber: 3, ETag: '"e3"' },
      ],
    });
  });

  it('aborts the multipart upload when the body fails midway, and rejects with its error', async () => {
    const failing = new Readable({ read() {} });
    failing.push(bytes(40));
    setImmediate(() => failing.destroy(new Error('S3 read dropped')));
    await expect(uploadStream(s3, target, failing, 16)).rejects.toThrow('S3 read dropped');
    expect(mock.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: 'parsed/x/0',
      UploadId: 'up-1',
    });
    expect(mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('aborts when a part is refused, even if the abort fails too', async () => {
    mock.on(UploadPartCommand).rejects(new Error('SlowDown'));
    mock.on(AbortMultipartUploadCommand).rejects(new Error('also down'));
    await expect(uploadStream(s3, target, Readable.from([bytes(20)]), 16)).rejects.toThrow('SlowDown');
    expect(mock.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });
});
