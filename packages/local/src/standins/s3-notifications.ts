/**
 * S3 event notifications to SQS, which fauxqs lacks, for any writer: the proxy in front of fauxqs
 * (s3-presign-proxy.ts) serves `PUT/GET /<bucket>?notification` itself and, once fauxqs has answered
 * a write with 2xx, sends the event message S3 would to every queue whose configuration matches.
 * Provisioning puts each bucket's CloudFormation `NotificationConfiguration` through the same API.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { s3Error, type S3ErrorAnswer } from './s3-presign';
import {
  matches,
  NotificationConfigError,
  notificationConfigurationXml,
  parseNotificationConfiguration,
  type QueueConfiguration,
} from './s3-notification-config';

/** An S3 request, as the proxy sees it. */
export interface S3Target {
  bucket: string;
  /** Decoded; undefined for a bucket-level request. */
  key?: string;
  query: URLSearchParams;
}

export interface S3Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface NotifierOptions {
  /** Where fauxqs listens (SQS and S3). */
  upstream: string;
  region: string;
  logger?: Logger;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * The bucket and key a request names, path-style or virtual-hosted (`<bucket>.localhost`), as
 * fauxqs reads them; undefined for SQS/SNS requests and the root.
 */
export function s3Target(url: string, headers: IncomingHttpHeaders): S3Target | undefined {
  const contentType = String(headers['content-type'] ?? '');
  if (contentType.includes('x-www-form-urlencoded') || contentType.includes('x-amz-json')) return undefined;
  const [path = '/', search = ''] = url.split('?', 2);
  const hostname = String(headers.host ?? '').split(':')[0] ?? '';
  const virtual = hostname.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname);
  const segments = path.split('/').slice(1);
  const bucket = virtual ? hostname.slice(0, hostname.indexOf('.')) : segments.shift();
  if (!bucket || bucket.startsWith('_')) return undefined;
  const rest = segments.join('/');
  return {
    bucket: decode(bucket),
    key: rest === '' ? undefined : decode(rest),
    query: new URLSearchParams(search),
  };
}

// Query parameters that leave a PUT an object write: the SDK's `x-id` and a presigned URL's own.
const writeQuery = (query: URLSearchParams) =>
  [...query.keys()].every((k) => k === 'x-id' || /^x-amz-/i.test(k));

/** The event a request causes once S3 has answered it with 2xx (`ObjectCreated:Put`), if any. */
export function eventNameOf(
  method: string,
  target: S3Target,
  headers: IncomingHttpHeaders,
): string | undefined {
  if (target.key === undefined) return undefined;
  if (method === 'PUT' && writeQuery(target.query)) {
    return headers['x-amz-copy-source'] ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
  }
  if (method === 'POST' && target.query.has('uploadId')) return 'ObjectCreated:CompleteMultipartUpload';
  if (method === 'DELETE' && writeQuery(target.query)) return 'ObjectRemoved:Delete';
  return undefined;
}

/** S3 URL-encodes keys in event messages as a form does (a space is `+`); `/` stays. */
export function eventKey(key: string): string {
  return key
    .split('/')
    .map((s) =>
      encodeURIComponent(s)
        .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}

export class BucketNotifications {
  private readonly configs = new Map<string, QueueConfiguration[]>();
  private readonly queueUrls = new Map<string, string>();
  private readonly s3: S3Client;
  private readonly sqs: SQSClient;
  private readonly logger: Logger;
  private sequence = 0n;
  /** One chain, so messages go out in the order the writes were answered. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: NotifierOptions) {
    const base = {
      region: options.region,
      endpoint: options.upstream,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    this.s3 = new S3Client({ ...base, forcePathStyle: true });
    this.sqs = new SQSClient(base);
    this.logger = options.logger ?? silentLogger;
  }

  /** Answers `PUT|GET /<bucket>?notification`; undefined for every other request. */
  async configure(
    method: string,
    target: S3Target,
    body: () => Promise<Buffer>,
  ): Promise<S3Answer | undefined> {
    if (target.key !== undefined || !target.query.has('notification')) return undefined;
    if (method !== 'PUT' && method !== 'GET') return undefined;
    const missing = await this.s3.send(new HeadBucketCommand({ Bucket: target.bucket })).then(
      () => undefined,
      () =>
        s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: target.bucket }),
    );
    if (missing) return missing;
    if (method === 'GET') {
      const xml = notificationConfigurationXml(this.configs.get(target.bucket) ?? []);
      return { status: 200, headers: { 'content-type': 'application/xml' }, body: xml };
    }
    let configs: QueueConfiguration[];
    try {
      configs = parseNotificationConfiguration((await body()).toString('utf8'));
    } catch (e) {
      if (!(e instanceof NotificationConfigError)) throw e;
      const code = /well-formed/.test(e.message) ? 'MalformedXML' : 'InvalidArgument';
      return s3Error(400, code, e.message);
    }
    for (const config of configs) {
      if (!(await this.queueUrl(config.queueArn).catch(() => undefined))) {
        return s3Error(
          400,
          'InvalidArgument',
          'Unable to validate the following destination configurations',
          {
            ArgumentName: config.queueArn,
            ArgumentValue: 'The destination queue does not exist',
          },
        );
      }
    }
    this.configs.set(target.bucket, configs);
    // S3 tells each destination that it was set up with an s3:TestEvent message.
    for (const arn of new Set(configs.map((c) => c.queueArn))) {
      this.enqueue(arn, {
        Service: 'Amazon S3',
        Event: 's3:TestEvent',
        Time: new Date().toISOString(),
        Bucket: target.bucket,
        RequestId: requestId(),
        HostId: randomBytes(48).toString('base64'),
      });
    }
    return { status: 200, headers: {}, body: '' };
  }

  /** Called once fauxqs has answered a write with 2xx. */
  written(
    eventName: string,
    target: S3Target & { key: string },
    answer: { requestId?: string; sourceIp?: string },
  ): void {
    const wanted = (this.configs.get(target.bucket) ?? []).filter((c) => matches(c, eventName, target.key));
    if (wanted.length === 0) return;
    const sequencer = this.nextSequencer();
    const at = new Date();
    const object = eventName.startsWith('ObjectCreated')
      ? this.s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: target.key })).then((head) => ({
          size: head.ContentLength ?? 0,
          eTag: (head.ETag ?? '').replace(/"/g, ''),
          ...(head.VersionId ? { versionId: head.VersionId } : {}),
        }))
      : Promise.resolve({});
    this.chain = this.chain.then(async () => {
      let details: Record<string, unknown>;
      try {
        details = await object;
      } catch (e) {
        // Gone again before it could be read: S3 would still tell, but there is nothing to say.
        this.logger.warn(`[s3 notifications] s3://${target.bucket}/${target.key}: ${String(e)}`);
        return;
      }
      for (const config of wanted) {
        const record = {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: this.options.region,
          eventTime: at.toISOString(),
          eventName,
          userIdentity: { principalId: 'AWS:LOCALPRINCIPAL' },
          requestParameters: { sourceIPAddress: answer.sourceIp ?? '127.0.0.1' },
          responseElements: {
            'x-amz-request-id': answer.requestId ?? requestId(),
            'x-amz-id-2': randomBytes(48).toString('base64'),
          },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: config.id,
            bucket: {
              name: target.bucket,
              ownerIdentity: { principalId: 'LOCALOWNER' },
              arn: `arn:aws:s3:::${target.bucket}`,
            },
            object: { key: eventKey(target.key), ...details, sequencer },
          },
        };
        await this.send(config.queueArn, { Records: [record] });
      }
    });
  }

  /** Waits for every message announced so far. */
  async settled(): Promise<void> {
    await this.chain;
  }

  async close(): Promise<void> {
    await this.chain;
    this.s3.destroy();
    this.sqs.destroy();
  }

  private enqueue(queueArn: string, body: unknown): void {
    this.chain = this.chain.then(() => this.send(queueArn, body));
  }

  private async send(queueArn: string, body: unknown): Promise<void> {
    try {
      const QueueUrl = await this.queueUrl(queueArn);
      await this.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(body) }));
    } catch (e) {
      this.logger.warn(`[s3 notifications] could not notify ${queueArn}: ${String(e)}`);
    }
  }

  private async queueUrl(queueArn: string): Promise<string> {
    const cached = this.queueUrls.get(queueArn);
    if (cached) return cached;
    const [, , , , account, name] = queueArn.split(':');
    const { QueueUrl } = await this.sqs.send(
      new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
    );
    if (!QueueUrl) throw new Error(`no queue ${queueArn}`);
    this.queueUrls.set(queueArn, QueueUrl);
    return QueueUrl;
  }

  /** Hex, increasing with every event, as S3's sequencer orders events for one key. */
  private nextSequencer(): string {
    this.sequence += 1n;
    return (BigInt(Date.now()) * 1_000_000n + this.sequence).toString(16).toUpperCase().padStart(18, '0');
  }
}

const requestId = () => randomBytes(8).toString('hex').toUpperCase();

export type { S3ErrorAnswer };
