import { planProvisioning, type QueueStep, type TableStep } from '../../src/cloudformation/plan';
import { Resolver, type Resources } from '../../src/cloudformation/resolver';
import resources from '../fixtures/resources.json';

const resolver = new Resolver(resources as Resources, {
  service: 'mailroom-outbound',
  stage: 'local',
  region: 'us-east-1',
  accountId: '000000000000',
  awsEndpoint: 'http://localhost:4566',
  functions: { send: {} },
});
const plan = planProvisioning(resources as Resources, resolver);
const step = <T>(id: string) => plan.steps.find((s) => s.logicalId === id) as T;

describe('planProvisioning', () => {
  it('creates dead-letter queues first, then queues, topics, subscriptions, buckets, tables', () => {
    expect(plan.steps.map((s) => s.logicalId)).toEqual([
      'SendDLQ',
      'OrderQueue',
      'SendQueue',
      'ReceiptTopic',
      'ReceiptSubscription',
      'AttachmentsBucket',
      'LakeBucket',
      'MessagesTable',
    ]);
  });

  it('turns queue properties into SQS attributes, the redrive policy pointing at the DLQ ARN', () => {
    expect(step<QueueStep>('SendQueue').attributes).toEqual({
      VisibilityTimeout: '180',
      MessageRetentionPeriod: '1209600',
      RedrivePolicy:
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:mailroom-local-send-dlq","maxReceiveCount":10}',
    });
    expect(step<QueueStep>('OrderQueue')).toEqual(
      expect.objectContaining({
        name: 'mailroom-outbound-local-OrderQueue.fifo',
        attributes: { FifoQueue: 'true' },
      }),
    );
  });

  it('subscribes the queue ARN to the topic with raw delivery and the filter policy', () => {
    expect(step('ReceiptSubscription')).toEqual({
      kind: 'subscription',
      logicalId: 'ReceiptSubscription',
      topicArn: 'arn:aws:sns:us-east-1:000000000000:mailroom-local-inbound-received',
      protocol: 'sqs',
      endpoint: 'arn:aws:sqs:us-east-1:000000000000:mailroom-local-send',
      attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"kind":["received"]}' },
    });
  });

  it('names buckets with the pseudo parameters and resolves their queue notifications', () => {
    expect(step('AttachmentsBucket')).toEqual(
      expect.objectContaining({
        name: 'mailroom-outbound-local-attachments-000000000000',
        queueNotifications: [],
        otherNotifications: [],
      }),
    );
    expect(step('LakeBucket')).toEqual(
      expect.objectContaining({
        queueNotifications: [
          {
            queueArn: 'arn:aws:sqs:us-east-1:000000000000:mailroom-local-send',
            event: 's3:ObjectCreated:*',
            rules: [],
          },
        ],
        otherNotifications: [],
      }),
    );
  });

  it('creates tables with keys, GSIs and TTL, leaving out what DynamoDB Local does not take', () => {
    const table = step<TableStep>('MessagesTable');
    expect(table.input).toEqual({
      TableName: 'mailroom-local-messages',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: resources.MessagesTable.Properties.KeySchema,
      AttributeDefinitions: resources.MessagesTable.Properties.AttributeDefinitions,
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: resources.MessagesTable.Properties.GlobalSecondaryIndexes[0]?.KeySchema,
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(table.timeToLive).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('skips roles, policies and alarms without resolving them', () => {
    expect(plan.skipped).toEqual([
      { logicalId: 'InboundQueuePolicy', type: 'AWS::SQS::QueuePolicy' },
      { logicalId: 'HealthRole', type: 'AWS::IAM::Role' },
      { logicalId: 'SendErrorsAlarm', type: 'AWS::CloudWatch::Alarm' },
    ]);
  });
});

describe('planProvisioning for the events stack', () => {
  // The shapes services/events declares: streams to the lake, an SES configuration set publishing to
  // one, and the Glue, Athena and IAM resources that have no local counterpart.
  const lakePrefix =
    'provider=ses/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';
  const events: Resources = {
    LakeBucket: {
      Type: 'AWS::S3::Bucket',
      Properties: {
        BucketName: { 'Fn::Sub': '${AWS::StackName}-lake-${AWS::AccountId}' },
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Event: 's3:ObjectCreated:*',
              Queue: { 'Fn::GetAtt': ['TrackerQueue', 'Arn'] },
              Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'provider=' }] } },
            },
          ],
          TopicConfigurations: [{ Event: 's3:ObjectRemoved:*', Topic: 'arn:aws:sns:us-east-1:1:t' }],
        },
      },
    },
    TrackerQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'mailroom-local-tracker' } },
    FirehoseRole: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
    FirehoseLogGroup: { Type: 'AWS::Logs::LogGroup' },
    SesEventsStream: {
      Type: 'AWS::KinesisFirehose::DeliveryStream',
      Properties: {
        DeliveryStreamName: 'mailroom-local-ses-events',
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          BucketARN: { 'Fn::GetAtt': ['LakeBucket', 'Arn'] },
          RoleARN: { 'Fn::GetAtt': ['FirehoseRole', 'Arn'] },
          Prefix: lakePrefix,
          ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
          BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
          CompressionFormat: 'GZIP',
          CloudWatchLoggingOptions: { Enabled: true, LogGroupName: { Ref: 'FirehoseLogGroup' } },
        },
      },
    },
    EventsConfigurationSet: {
      Type: 'AWS::SES::ConfigurationSet',
      Properties: { Name: 'mailroom-local-events' },
    },
    EventsDestination: {
      Type: 'AWS::SES::ConfigurationSetEventDestination',
      Properties: {
        ConfigurationSetName: { Ref: 'EventsConfigurationSet' },
        EventDestination: {
          Name: 'lake',
          Enabled: true,
          MatchingEventTypes: [
            'send',
            'delivery',
            'bounce',
            'complaint',
            'renderingFailure',
            'deliveryDelay',
          ],
          KinesisFirehoseDestination: {
            DeliveryStreamARN: { 'Fn::GetAtt': ['SesEventsStream', 'Arn'] },
            IAMRoleARN: { 'Fn::GetAtt': ['FirehoseRole', 'Arn'] },
          },
        },
      },
    },
    GlueDatabase: { Type: 'AWS::Glue::Database', Properties: { DatabaseInput: { Name: { Ref: 'Nope' } } } },
    GlueTable: { Type: 'AWS::Glue::Table' },
    DailyCounts: { Type: 'AWS::Athena::NamedQuery' },
  };
  const eventsResolver = new Resolver(events, {
    service: 'mailroom-events',
    stage: 'local',
    region: 'us-east-1',
    accountId: '000000000000',
    awsEndpoint: 'http://localhost:4566',
  });
  const eventsPlan = planProvisioning(events, eventsResolver);
  const of = (id: string) => eventsPlan.steps.find((s) => s.logicalId === id);

  it('creates the queue, then the bucket that notifies it, then the stream, then the configuration set', () => {
    expect(eventsPlan.steps.map((s) => s.logicalId)).toEqual([
      'TrackerQueue',
      'LakeBucket',
      'SesEventsStream',
      'EventsConfigurationSet',
      'EventsDestination',
    ]);
  });

  it('skips IAM, Logs, Glue and Athena resources without resolving them', () => {
    expect(eventsPlan.skipped.map((s) => s.type)).toEqual([
      'AWS::IAM::Role',
      'AWS::Logs::LogGroup',
      'AWS::Glue::Database',
      'AWS::Glue::Table',
      'AWS::Athena::NamedQuery',
    ]);
  });

  it("resolves the bucket's queue notification with its filter, and notes the topic it cannot deliver", () => {
    expect(of('LakeBucket')).toEqual(
      expect.objectContaining({
        name: 'mailroom-events-local-lake-000000000000',
        queueNotifications: [
          {
            queueArn: 'arn:aws:sqs:us-east-1:000000000000:mailroom-local-tracker',
            event: 's3:ObjectCreated:*',
            rules: [{ Name: 'prefix', Value: 'provider=' }],
          },
        ],
        otherNotifications: ['TopicConfigurations'],
      }),
    );
  });

  it('turns the stream into a CreateDeliveryStream destination, leaving out what is not needed locally', () => {
    expect(of('SesEventsStream')).toEqual({
      kind: 'deliveryStream',
      logicalId: 'SesEventsStream',
      name: 'mailroom-local-ses-events',
      destination: {
        BucketARN: 'arn:aws:s3:::mailroom-events-local-lake-000000000000',
        RoleARN: expect.stringMatching(
          /^arn:aws:iam::000000000000:role\/mailroom-events-local-FirehoseRole$/,
        ),
        Prefix: lakePrefix,
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
        CompressionFormat: 'GZIP',
      },
    });
  });

  it('names the SES event types as SES v2 does and points the destination at the stream ARN', () => {
    expect(of('EventsConfigurationSet')).toEqual(
      expect.objectContaining({ kind: 'configurationSet', name: 'mailroom-local-events' }),
    );
    expect(of('EventsDestination')).toEqual({
      kind: 'eventDestination',
      logicalId: 'EventsDestination',
      configurationSetName: 'mailroom-local-events',
      name: 'lake',
      enabled: true,
      matchingEventTypes: ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'RENDERING_FAILURE', 'DELIVERY_DELAY'],
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/mailroom-local-ses-events',
    });
  });
});
