/**
 * A bucket's notification configuration as S3's PutBucketNotificationConfiguration takes it (XML),
 * the queue configurations Mailroom declares, and which of them an event matches.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
import { createHash } from 'node:crypto';
import { parseXML } from '@aws-sdk/xml-builder';

export interface FilterRule {
  name: 'prefix' | 'suffix';
  value: string;
}

export interface QueueConfiguration {
  id: string;
  queueArn: string;
  events: string[];
  rules: FilterRule[];
}

export class NotificationConfigError extends Error {
  override readonly name = 'NotificationConfigError';
}

/** The event types S3 publishes that this local S3 path emits. */
export const SUPPORTED_EVENTS = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
] as const;

type Node = Record<string, unknown>;
const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const asNode = (v: unknown): Node => (typeof v === 'object' && v !== null ? (v as Node) : {});
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Reads the XML body. Topic and Lambda configurations are refused: nothing local can receive them.
 * EventBridge is not modelled either.
 */
export function parseNotificationConfiguration(xml: string): QueueConfiguration[] {
  let root: Node;
  try {
    root = asNode(asNode(parseXML(xml)).NotificationConfiguration);
  } catch {
    throw new NotificationConfigError('The XML you provided was not well-formed.');
  }
  for (const other of ['TopicConfiguration', 'CloudFunctionConfiguration', 'EventBridgeConfiguration']) {
    if (root[other] !== undefined) {
      throw new NotificationConfigError(`${other} is not delivered by the local cloud (queues only).`);
    }
  }
  return list(root.QueueConfiguration).map((raw) => {
    const node = asNode(raw);
    const queueArn = text(node.Queue);
    if (!/^arn:aws:sqs:[a-z0-9-]+:\d{12}:[\w.-]+$/.test(queueArn)) {
      throw new NotificationConfigError(`${queueArn || '(no Queue)'} is not a queue ARN.`);
    }
    const events = list(node.Event).map(text);
    if (events.length === 0) throw new NotificationConfigError('A QueueConfiguration needs an Event.');
    for (const event of events) {
      if (!(SUPPORTED_EVENTS as readonly string[]).includes(event)) {
        throw new NotificationConfigError(`The event ${event} is not supported for notifications.`);
      }
    }
    const rules = list(asNode(asNode(node.Filter).S3Key).FilterRule).map((r): FilterRule => {
      const name = text(asNode(r).Name).toLowerCase();
      if (name !== 'prefix' && name !== 'suffix') {
        throw new NotificationConfigError(
          `${text(asNode(r).Name)} is not a filter rule name (prefix or suffix).`,
        );
      }
      return { name, value: text(asNode(r).Value) };
    });
    if (new Set(rules.map((r) => r.name)).size !== rules.length) {
      throw new NotificationConfigError('Cannot specify more than one prefix or suffix rule in a filter.');
    }
    // S3 makes up an id when none is given; a hash keeps it stable across runs.
    const id =
      text(node.Id) ||
      createHash('sha256')
        .update(JSON.stringify([queueArn, events, rules]))
        .digest('base64')
        .slice(0, 44);
    return { id, queueArn, events, rules };
  });
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** GetBucketNotificationConfiguration's body. */
export function notificationConfigurationXml(configs: readonly QueueConfiguration[]): string {
  const queues = configs
    .map((c) => {
      const rules = c.rules
        .map((r) => `<FilterRule><Name>${r.name}</Name><Value>${xmlEscape(r.value)}</Value></FilterRule>`)
        .join('');
      const filter = rules ? `<Filter><S3Key>${rules}</S3Key></Filter>` : '';
      const events = c.events.map((e) => `<Event>${e}</Event>`).join('');
      return `<QueueConfiguration><Id>${xmlEscape(c.id)}</Id><Queue>${c.queueArn}</Queue>${events}${filter}</QueueConfiguration>`;
    })
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${queues}</NotificationConfiguration>`;
}

/** Whether `config` wants an `eventName` (`ObjectCreated:Put`) for `key`. */
export function matches(config: QueueConfiguration, eventName: string, key: string): boolean {
  const [kind] = eventName.split(':');
  const wanted = config.events.some((e) => e === `s3:${eventName}` || e === `s3:${kind}:*`);
  return (
    wanted &&
    config.rules.every((r) => (r.name === 'prefix' ? key.startsWith(r.value) : key.endsWith(r.value)))
  );
}
