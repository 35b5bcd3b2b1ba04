import { Readable } from 'node:stream';
import { RawMissingError } from '../../src/process/errors';
import type { ReceiptBucket } from '../../src/process/receipt-bucket';

/** The receipt bucket in a Map, for use-case tests. `fail` makes the next operations on a key throw. */
export class MemoryBucket implements ReceiptBucket {
  readonly objects = new Map<string, { body: Buffer; contentType: string }>();
  readonly failures = new Map<string, Error>();

  constructor(readonly name = 'receipts') {}

  put(key: string, body: string | Buffer): void {
    this.objects.set(key, { body: Buffer.from(body), contentType: 'message/rfc822' });
  }

  text(key: string): string | undefined {
    return this.objects.get(key)?.body.toString('utf8');
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  private check(key: string) {
    const err = this.failures.get(key);
    if (err) throw err;
  }

  async read(key: string): Promise<Readable> {
    this.check(key);
    const found = this.objects.get(key);
    if (!found) throw new RawMissingError(`raw MIME ${key} is not in the receipt bucket`);
    return Readable.from([found.body]);
  }

  async write(key: string, body: Readable | string, contentType: string): Promise<void> {
    this.check(key);
    const chunks: Buffer[] = [];
    if (typeof body === 'string') chunks.push(Buffer.from(body));
    else for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
    this.objects.set(key, { body: Buffer.concat(chunks), contentType });
  }

  async copy(from: string, to: string): Promise<void> {
    this.check(from);
    const found = this.objects.get(from);
    if (!found) throw new RawMissingError(`raw MIME ${from} is not in the receipt bucket`);
    this.objects.set(to, { ...found });
  }

  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async downloadUrl(key: string, filename: string): Promise<string> {
    return `https://receipts.example/${key}?name=${encodeURIComponent(filename)}`;
  }
}
