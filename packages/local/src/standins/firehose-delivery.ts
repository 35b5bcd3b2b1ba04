/**
 * The Firehose stand-in's buffers: records collect per stream until the stream's buffer size
 * (BufferingHints.SizeInMBs) is reached or the local interval has passed since the oldest arrived,
 * then go to S3 as one object — the records' bytes concatenated, gzipped for GZIP streams — under the
 * prefix evaluated at the oldest record's arrival. A write S3 refuses is retried with backoff, as
 * Firehose retries S3 for up to a day; locally a few times, then it is logged and dropped.
 * https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../logger';
import { objectKey } from './firehose-naming';

const gzipAsync = promisify(gzip);

export interface Stream {
  name: string;
  arn: string;
  versionId: string;
  createdAt: Date;
  bucket: string;
  bucketArn: string;
  roleArn?: string;
  prefix: string;
  errorOutputPrefix?: string;
  sizeInMBs: number;
  intervalInSeconds: number;
  compression: string;
}

export interface DeliveredObject {
  stream: string;
  bucket: string;
  key: string;
  records: number;
}

interface Buffer_ {
  stream: Stream;
  records: Buffer[];
  bytes: number;
  oldest: Date;
  timer: NodeJS.Timeout;
}

const WRITE_ATTEMPTS = 5;

export class Deliveries {
  readonly delivered: DeliveredObject[] = [];
  private readonly buffers = new Map<string, Buffer_>();
  private readonly writing = new Set<Promise<void>>();
  /** Each stream's last write: a stream's objects are written one after the other, in buffer order. */
  private readonly lastWrite = new Map<string, Promise<void>>();
  private closing = false;

  constructor(
    private readonly s3: S3Client,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** The first retry's wait; each next one doubles it. */
    private readonly retryBaseMs = 400,
  ) {}

  add(stream: Stream, record: Buffer): void {
    let buffer = this.buffers.get(stream.name);
    if (!buffer) {
      buffer = {
        stream,
        records: [],
        bytes: 0,
        oldest: new Date(),
        timer: setTimeout(() => this.flush(stream.name), this.intervalMs),
      };
      this.buffers.set(stream.name, buffer);
    }
    buffer.records.push(record);
    buffer.bytes += record.length;
    if (buffer.bytes >= stream.sizeInMBs * 1024 * 1024) this.flush(stream.name);
  }

  /** Writes what a stream holds now (nothing when it holds nothing). */
  flush(name: string): void {
    const buffer = this.buffers.get(name);
    if (!buffer) return;
    this.buffers.delete(name);
    clearTimeout(buffer.timer);
    const previous = this.lastWrite.get(name) ?? Promise.resolve();
    const write = previous.then(() => this.write(buffer)).finally(() => this.writing.delete(write));
    this.writing.add(write);
    this.lastWrite.set(name, write);
  }

  /** Writes every buffer out and waits for every write; retries stop early. */
  async close(): Promise<void> {
    this.closing = true;
    for (const name of [...this.buffers.keys()]) this.flush(name);
    await Promise.all([...this.writing]);
  }

  private async write({ stream, records, oldest }: Buffer_): Promise<void> {
    const joined = Buffer.concat(records);
    const body = stream.compression === 'GZIP' ? await gzipAsync(joined) : joined;
    const key = objectKey(stream, oldest);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.s3.send(new PutObjectCommand({ Bucket: stream.bucket, Key: key, Body: body }));
        this.delivered.push({ stream: stream.name, bucket: stream.bucket, key, records: records.length });
        this.logger.debug(
          `[firehose] ${stream.name}: ${records.length} records to s3://${stream.bucket}/${key}`,
        );
        return;
      } catch (e) {
        if (attempt >= WRITE_ATTEMPTS || this.closing) {
          this.logger.warn(
            `[firehose] ${stream.name}: ${records.length} records lost, S3 refused s3://${stream.bucket}/${key}: ${String(e)}`,
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryBaseMs * 2 ** (attempt - 1)));
      }
    }
  }
}
