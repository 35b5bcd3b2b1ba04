/**
 * Turns a service's `resources.Resources` into the emulator calls that create them locally.
 * Pure: no client is touched here, so the plan can be tested on a template fixture.
 */
import {
  bucket,
  deliveryStream,
  eventDestination,
  type BucketStep,
  type ConfigurationSetStep,
  type DeliveryStreamStep,
  type EventDestinationStep,
  type QueueNotification,
} from './plan-events';
import { isTrue, type Resolver, type Resources } from './resolver';

export type { BucketStep, ConfigurationSetStep, DeliveryStreamStep, EventDestinationStep, QueueNotification };
export { sesEventType } from './plan-events';

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
