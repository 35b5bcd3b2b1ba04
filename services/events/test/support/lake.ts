import { gzipSync } from 'node:zlib';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LakeObjectRef, LakeObjects } from '../../src/lake/port';
import { fixtureJson } from './fixtures';

/** A lake object's bytes as Firehose writes them: one JSON record a line, gzip. */
export const gzipNdjson = (records: readonly unknown[]): Buffer =>
  gzipSync(records.map((r) => `${JSON.stringify(r)}\n`).join(''));

/** SendGrid's documented events (all 11 types), each with its own id and tagged for `messageId`. */
export const sendGridEvents = (messageId: string, prefix = 'sg'): Record<string, unknown>[] =>
  fixtureJson<Record<string, unknown>[]>('sendgrid/events-all-types.json').map((raw, i) => ({
    ...raw,
    sg_event_id: `${prefix}-${messageId}-${i}`,
    mailroom_message_id: messageId,
  }));

/** One of SES's documented event publishing records, tagged for `messageId` as outbound tags mail. */
export const sesEvent = (name: string, messageId: string): Record<string, unknown> => {
  const raw = fixtureJson<{ mail: { tags?: Record<string, string[]> } }>(
    `ses-events/event-publishing/${name}.json`,
  );
  raw.mail.tags = { ...raw.mail.tags, mailroom_message_id: [messageId] };
  return raw as unknown as Record<string, unknown>;
};

/** A lake key under the provider's prefix, as Firehose names its objects (with a space to test decoding). */
export const lakeKey = (provider: 'sendgrid' | 'ses', name: string) =>
  `provider=${provider}/year=2026/month=12/day=01/hour=10/mailroom-local-${provider}-events-1-2026-12-01-10-00-00-${name}`;

/** S3 encodes keys in notifications as a URL query would: `=` as %3D, a space as `+`. */
const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** The body S3 sends the tracker queue for a new object. */
export const s3Notification = (bucket: string, ...keys: string[]): string =>
  JSON.stringify({
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: { s3SchemaVersion: '1.0', bucket: { name: bucket }, object: { key: encodeKey(key), size: 1 } },
    })),
  });

export const S3_TEST_EVENT = JSON.stringify({
  Service: 'Amazon S3',
  Event: 's3:TestEvent',
  Time: '2026-12-01T10:00:00.000Z',
  Bucket: 'lake',
  RequestId: 'r',
  HostId: 'h',
});

let seq = 0;
/** An SQS event as Lambda hands it to `track`. */
export const sqsEvent = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body): SQSRecord => ({
    messageId: `msg-${++seq}`,
    receiptHandle: `rh-${seq}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 's',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:mailroom-local-tracker',
    awsRegion: 'us-east-1',
  })),
});

/** The lake in memory: objects by `bucket/key`. */
export class InMemoryLakeObjects implements LakeObjects {
  readonly objects = new Map<string, Buffer>();

  put(bucket: string, key: string, body: Buffer): void {
    this.objects.set(`${bucket}/${key}`, body);
  }

  async open({ bucket, key }: LakeObjectRef): Promise<AsyncIterable<Uint8Array> | undefined> {
    const body = this.objects.get(`${bucket}/${key}`);
    if (body === undefined) return undefined;
    // Small chunks, so lines and multi-byte characters cross chunk boundaries.
    return (async function* () {
      for (let i = 0; i < body.length; i += 7) yield body.subarray(i, i + 7);
    })();
  }
}
