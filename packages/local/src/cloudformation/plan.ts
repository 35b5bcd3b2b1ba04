/**
 * Turns a service's `resources.Resources` into the emulator calls that create them locally.
 * Pure: no client is touched here, so the plan can be tested on a template fixture.
 */
import { isTrue, type Resolver, type Resources } from './resolver';

export interface QueueStep {
  kind: 'queue';
  logicalId: string;
  name: string;
  attributes: Record<string, string>;
}
export interface TopicStep {
  kind: 'topic';
  logicalId: string;
  name: string;
}
export interface SubscriptionStep {
  kind: 'subscription';
  logicalId: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
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
export interface QueueNotification {
  queueArn: string;
  event: string;
  rules: Array<{ Name: string; Value: string }>;
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
export interface TableStep {
  kind: 'table';
  logicalId: string;
  /** A DynamoDB CreateTable input. */
  input: Record<string, unknown> & { TableName: string };
  timeToLive?: { AttributeName: string; Enabled: boolean };
}
export type Step =
  | QueueStep
  | TopicStep
  | SubscriptionStep
  | BucketStep
  | TableStep
  | DeliveryStreamStep
  | ConfigurationSetStep
  | EventDestinationStep;

export interface Plan {
  steps: Step[];
  /** Resources with no local counterpart (roles, alarms, policies…), by logical id. */
  skipped: Array<{ logicalId: string; type: string }>;
}

// CloudFormation queue properties that are SQS attributes of the same name. Encryption
// (SqsManagedSseEnabled, KMS) has no meaning locally and is left out.
const queueAttributes = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
];
// Queues before the buckets that notify them; streams before the configuration sets that publish to them.
const order: Record<Step['kind'], number> = {
  queue: 0,
  topic: 1,
  subscription: 2,
  bucket: 3,
  table: 4,
  deliveryStream: 5,
  configurationSet: 6,
  eventDestination: 7,
};

export function planProvisioning(resources: Resources, resolver: Resolver): Plan {
  const steps: Step[] = [];
  const skipped: Plan['skipped'] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    // Only what is created is resolved: a skipped role or alarm may use intrinsics we lack.
    const props = () => (resolver.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        steps.push({
          kind: 'queue',
          logicalId,
          name: resolver.nameOf(logicalId),
          attributes: queueAttrs(props()),
        });
        break;
      case 'AWS::SNS::Topic':
        steps.push({ kind: 'topic', logicalId, name: resolver.nameOf(logicalId) });
        break;
      case 'AWS::SNS::Subscription':
        steps.push(subscription(logicalId, props()));
        break;
      case 'AWS::S3::Bucket':
        steps.push(bucket(logicalId, resolver, resource.Properties?.NotificationConfiguration));
        break;
      case 'AWS::KinesisFirehose::DeliveryStream':
        steps.push(deliveryStream(logicalId, resolver, resource.Properties ?? {}));
        break;
      case 'AWS::SES::ConfigurationSet':
        steps.push({ kind: 'configurationSet', logicalId, name: resolver.nameOf(logicalId) });
        break;
      case 'AWS::SES::ConfigurationSetEventDestination':
        steps.push(eventDestination(logicalId, resolver, resource.Properties ?? {}));
        break;
      case 'AWS::DynamoDB::Table':
        steps.push(table(logicalId, resolver.nameOf(logicalId), props()));
        break;
      default:
        skipped.push({ logicalId, type: resource.Type });
    }
  }
  // Dead-letter queues before the queues that redrive to them; topics before subscriptions.
  const redrives = (s: Step) => (s.kind === 'queue' && s.attributes.RedrivePolicy ? 1 : 0);
  steps.sort((a, b) => order[a.kind] - order[b.kind] || redrives(a) - redrives(b));
  return { steps, skipped };
}

type Props = Record<string, unknown>;
const asProps = (v: unknown): Props => (typeof v === 'object' && v !== null ? (v as Props) : {});

/** Only the notification's own fields are resolved: the rest of a bucket may use intrinsics we lack. */
function bucket(logicalId: string, resolver: Resolver, config: unknown): BucketStep {
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

function deliveryStream(logicalId: string, resolver: Resolver, props: Props): DeliveryStreamStep {
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

function eventDestination(logicalId: string, resolver: Resolver, props: Props): EventDestinationStep {
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

function queueAttrs(props: Record<string, unknown>): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const name of queueAttributes) {
    if (props[name] !== undefined) attributes[name] = String(props[name]);
  }
  // SQS takes the policies as JSON strings; CloudFormation accepts objects or strings.
  for (const name of ['RedrivePolicy', 'RedriveAllowPolicy']) {
    const value = props[name];
    if (value !== undefined) attributes[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return attributes;
}

function subscription(logicalId: string, props: Record<string, unknown>): SubscriptionStep {
  const attributes: Record<string, string> = {};
  if (props.RawMessageDelivery !== undefined)
    attributes.RawMessageDelivery = String(isTrue(props.RawMessageDelivery));
  for (const name of ['FilterPolicy', 'RedrivePolicy']) {
    const value = props[name];
    if (value !== undefined) attributes[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (typeof props.FilterPolicyScope === 'string') attributes.FilterPolicyScope = props.FilterPolicyScope;
  return {
    kind: 'subscription',
    logicalId,
    topicArn: String(props.TopicArn),
    protocol: String(props.Protocol),
    endpoint: String(props.Endpoint),
    attributes,
  };
}

function table(logicalId: string, name: string, props: Record<string, unknown>): TableStep {
  const billingMode = (props.BillingMode as string | undefined) ?? 'PROVISIONED';
  const provisioned = billingMode === 'PROVISIONED';
  const throughput = (p: unknown) => p ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  const indexes = (list: unknown, withThroughput: boolean) =>
    Array.isArray(list)
      ? list.map((i: Record<string, unknown>) => ({
          IndexName: i.IndexName,
          KeySchema: i.KeySchema,
          Projection: i.Projection,
          ...(withThroughput ? { ProvisionedThroughput: throughput(i.ProvisionedThroughput) } : {}),
        }))
      : undefined;
  const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
  const input: TableStep['input'] = {
    TableName: name,
    KeySchema: props.KeySchema,
    AttributeDefinitions: props.AttributeDefinitions,
    BillingMode: billingMode,
    ...(provisioned ? { ProvisionedThroughput: throughput(props.ProvisionedThroughput) } : {}),
    ...(props.GlobalSecondaryIndexes
      ? { GlobalSecondaryIndexes: indexes(props.GlobalSecondaryIndexes, provisioned) }
      : {}),
    ...(props.LocalSecondaryIndexes
      ? { LocalSecondaryIndexes: indexes(props.LocalSecondaryIndexes, false) }
      : {}),
    ...(stream?.StreamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } }
      : {}),
  };
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: unknown } | undefined;
  return {
    kind: 'table',
    logicalId,
    input,
    ...(ttl?.AttributeName
      ? { timeToLive: { AttributeName: ttl.AttributeName, Enabled: isTrue(ttl.Enabled) } }
      : {}),
  };
}
