/**
 * The plan steps of the event path: buckets with their queue notifications, Firehose delivery streams
 * and SES configuration sets with their event destinations. Only the fields the local cloud uses are
 * resolved, so the rest (roles' policies, log groups…) may use intrinsics the resolver lacks.
 */
import { isTrue, type Resolver } from './resolver';

export interface QueueNotification {
  queueArn: string;
  event: string;
  rules: Array<{ Name: string; Value: string }>;
}
export interface BucketStep {
  kind: 'bucket';
  logicalId: string;
  name: string;
  /** The bucket's `NotificationConfiguration.QueueConfigurations`, as S3's API takes them. */
  queueNotifications: QueueNotification[];
  /** Topic, Lambda or EventBridge notifications, which nothing local receives. */
  otherNotifications: string[];
}
export interface DeliveryStreamStep {
  kind: 'deliveryStream';
  logicalId: string;
  name: string;
  /** The extended S3 destination, as CreateDeliveryStream takes it. */
  destination: {
    BucketARN: string;
    RoleARN?: string;
    Prefix?: string;
    ErrorOutputPrefix?: string;
    BufferingHints?: { SizeInMBs?: number; IntervalInSeconds?: number };
    CompressionFormat?: string;
  };
}
export interface ConfigurationSetStep {
  kind: 'configurationSet';
  logicalId: string;
  name: string;
}
export interface EventDestinationStep {
  kind: 'eventDestination';
  logicalId: string;
  configurationSetName: string;
  name: string;
  enabled: boolean;
  /** SES v2's names: SEND, DELIVERY, BOUNCE… */
  matchingEventTypes: string[];
  deliveryStreamArn: string;
}
type Props = Record<string, unknown>;
const asProps = (v: unknown): Props => (typeof v === 'object' && v !== null ? (v as Props) : {});

/** Only the notification's own fields are resolved: the rest of a bucket may use intrinsics we lack. */
export function bucket(logicalId: string, resolver: Resolver, config: unknown): BucketStep {
  const notifications = asProps(config);
  const queueNotifications = (
    Array.isArray(notifications.QueueConfigurations) ? notifications.QueueConfigurations : []
  ).map((q: unknown): QueueNotification => {
    const queue = asProps(q);
    const rules = asProps(asProps(queue.Filter).S3Key).Rules;
    return {
      queueArn: resolver.resolveString(queue.Queue, `${logicalId} notification Queue`),
      event: resolver.resolveString(queue.Event, `${logicalId} notification Event`),
      rules: (Array.isArray(rules) ? rules : []).map((r: unknown) => ({
        Name: resolver.resolveString(asProps(r).Name, `${logicalId} filter rule Name`),
        Value: resolver.resolveString(asProps(r).Value, `${logicalId} filter rule Value`),
      })),
    };
  });
  return {
    kind: 'bucket',
    logicalId,
    name: resolver.nameOf(logicalId),
    queueNotifications,
    otherNotifications: Object.keys(notifications).filter((k) => k !== 'QueueConfigurations'),
  };
}

export function deliveryStream(logicalId: string, resolver: Resolver, props: Props): DeliveryStreamStep {
  const config = asProps(props.ExtendedS3DestinationConfiguration ?? props.S3DestinationConfiguration);
  const what = (field: string) => `${logicalId} ${field}`;
  const optional = (field: string) =>
    config[field] === undefined ? undefined : resolver.resolveString(config[field], what(field));
  const hints = asProps(resolver.resolve(config.BufferingHints ?? {}));
  return {
    kind: 'deliveryStream',
    logicalId,
    name: resolver.nameOf(logicalId),
    destination: {
      BucketARN: resolver.resolveString(config.BucketARN, what('BucketARN')),
      ...definedOnly({
        RoleARN: optional('RoleARN'),
        Prefix: optional('Prefix'),
        ErrorOutputPrefix: optional('ErrorOutputPrefix'),
        CompressionFormat: optional('CompressionFormat'),
        BufferingHints:
          Object.keys(hints).length === 0
            ? undefined
            : definedOnly({
                SizeInMBs: hints.SizeInMBs === undefined ? undefined : Number(hints.SizeInMBs),
                IntervalInSeconds:
                  hints.IntervalInSeconds === undefined ? undefined : Number(hints.IntervalInSeconds),
              }),
      }),
    },
  };
}

/** CloudFormation's `MatchingEventTypes` (`send`, `renderingFailure`) as SES v2 names them (`SEND`, `RENDERING_FAILURE`). */
export const sesEventType = (type: string): string => type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

export function eventDestination(logicalId: string, resolver: Resolver, props: Props): EventDestinationStep {
  const destination = asProps(props.EventDestination);
  const firehose = asProps(destination.KinesisFirehoseDestination);
  const types = Array.isArray(destination.MatchingEventTypes) ? destination.MatchingEventTypes : [];
  return {
    kind: 'eventDestination',
    logicalId,
    configurationSetName: resolver.resolveString(
      props.ConfigurationSetName,
      `${logicalId} ConfigurationSetName`,
    ),
    name:
      destination.Name === undefined
        ? logicalId
        : resolver.resolveString(destination.Name, `${logicalId} EventDestination.Name`),
    enabled: destination.Enabled === undefined ? true : isTrue(resolver.resolve(destination.Enabled)),
    matchingEventTypes: types.map((t) =>
      sesEventType(resolver.resolveString(t, `${logicalId} MatchingEventTypes`)),
    ),
    deliveryStreamArn:
      firehose.DeliveryStreamARN === undefined
        ? ''
        : resolver.resolveString(firehose.DeliveryStreamARN, `${logicalId} DeliveryStreamARN`),
  };
}

function definedOnly<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
