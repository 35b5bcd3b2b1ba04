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

  it('names buckets with the pseudo parameters and notes notifications it cannot make', () => {
    expect(step('AttachmentsBucket')).toEqual(
      expect.objectContaining({
        name: 'mailroom-outbound-local-attachments-000000000000',
        notificationsSkipped: false,
      }),
    );
    expect(step('LakeBucket')).toEqual(expect.objectContaining({ notificationsSkipped: true }));
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
