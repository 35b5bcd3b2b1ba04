import type { S3Client } from '@aws-sdk/client-s3';
import { attachmentDisposition, ReceiptBucket } from '../src/adapters/receipt-bucket';

/** The receipt bucket adapter's own rules; reads and presigned downloads run against fauxqs in integration/. */
describe('the receipt bucket adapter', () => {
  const s3 = (answer: () => Promise<unknown>) => ({ send: async () => answer() }) as unknown as S3Client;
  const body = (text: string) => ({ Body: { transformToString: async () => text } });

  it('reads text and html from the parsed message JSON, null when absent', async () => {
    const bucket = new ReceiptBucket(
      s3(async () => body('{"subject":"x","text":"Hi","html":null}')),
      'b',
    );
    await expect(bucket.bodies('parsed/1/message.json')).resolves.toEqual({ text: 'Hi', html: null });
    const bare = new ReceiptBucket(
      s3(async () => body('{"subject":"x"}')),
      'b',
    );
    await expect(bare.bodies('parsed/1/message.json')).resolves.toEqual({ text: null, html: null });
  });

  it('answers null for a parsed object that is gone, and lets other failures through', async () => {
    const gone = new ReceiptBucket(
      s3(async () => Promise.reject(Object.assign(new Error('x'), { name: 'NoSuchKey' }))),
      'b',
    );
    await expect(gone.bodies('parsed/1/message.json')).resolves.toBeNull();
    const denied = new ReceiptBucket(
      s3(async () => Promise.reject(Object.assign(new Error('x'), { name: 'AccessDenied' }))),
      'b',
    );
    await expect(denied.bodies('parsed/1/message.json')).rejects.toThrow('x');
  });

  it('offers attachments as downloads under their own name, quotes and non-ASCII made safe', () => {
    expect(attachmentDisposition('report.pdf')).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    expect(attachmentDisposition('請求書 "final".pdf')).toBe(
      `attachment; filename="___ _final_.pdf"; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8%20%22final%22.pdf`,
    );
    expect(attachmentDisposition("it's (1).txt")).toBe(
      `attachment; filename="it's (1).txt"; filename*=UTF-8''it%27s%20%281%29.txt`,
    );
  });
});
