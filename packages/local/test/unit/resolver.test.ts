import { functionLogicalId, Resolver, type Resources } from '../../src/cloudformation/resolver';
import resources from '../fixtures/resources.json';

const context = {
  service: 'mailroom-outbound',
  stage: 'local',
  region: 'us-east-1',
  accountId: '000000000000',
  awsEndpoint: 'http://localhost:4566',
  functions: { send: { name: 'mailroom-outbound-local-send' }, 'retry-failed': {} },
};
const resolver = new Resolver(resources as Resources, context);

describe('Resolver', () => {
  it('resolves Ref to the local physical id of each kind of resource', () => {
    expect(resolver.resolve({ Ref: 'SendQueue' })).toBe(
      'http://localhost:4566/000000000000/mailroom-local-send',
    );
    expect(resolver.resolve({ Ref: 'ReceiptTopic' })).toBe(
      'arn:aws:sns:us-east-1:000000000000:mailroom-local-inbound-received',
    );
    expect(resolver.resolve({ Ref: 'MessagesTable' })).toBe('mailroom-local-messages');
    expect(resolver.resolve({ Ref: 'AttachmentsBucket' })).toBe(
      'mailroom-outbound-local-attachments-000000000000',
    );
    expect(resolver.resolve({ Ref: 'SendLambdaFunction' })).toBe('mailroom-outbound-local-send');
  });

  it('resolves Fn::GetAtt in both list and dotted forms', () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['SendDLQ', 'Arn'] })).toBe(
      'arn:aws:sqs:us-east-1:000000000000:mailroom-local-send-dlq',
    );
    expect(resolver.resolve({ 'Fn::GetAtt': 'SendDLQ.QueueName' })).toBe('mailroom-local-send-dlq');
    expect(resolver.resolve({ 'Fn::GetAtt': ['SendQueue', 'QueueUrl'] })).toBe(
      'http://localhost:4566/000000000000/mailroom-local-send',
    );
    expect(resolver.resolve({ 'Fn::GetAtt': ['ReceiptTopic', 'TopicName'] })).toBe(
      'mailroom-local-inbound-received',
    );
    expect(resolver.resolve({ 'Fn::GetAtt': ['MessagesTable', 'Arn'] })).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/mailroom-local-messages',
    );
  });

  it('resolves Fn::Sub with pseudo parameters, attributes, variables and ${!literals}', () => {
    expect(resolver.resolve({ 'Fn::Sub': '${AttachmentsBucket.Arn}/*' })).toBe(
      'arn:aws:s3:::mailroom-outbound-local-attachments-000000000000/*',
    );
    expect(
      resolver.resolve({
        'Fn::Sub': ['${AWS::Partition}:${AWS::Region}:${X}', { X: { Ref: 'MessagesTable' } }],
      }),
    ).toBe('aws:us-east-1:mailroom-local-messages');
    expect(resolver.resolve({ 'Fn::Sub': '${!Literal}-${AWS::URLSuffix}' })).toBe('${Literal}-amazonaws.com');
  });

  it('resolves Fn::Join and Fn::Select, deep inside objects, and drops AWS::NoValue', () => {
    expect(
      resolver.resolve({
        a: [{ 'Fn::Join': ['/', ['x', { Ref: 'MessagesTable' }]] }, { Ref: 'AWS::NoValue' }],
        b: { Ref: 'AWS::NoValue' },
      }),
    ).toEqual({ a: ['x/mailroom-local-messages'] });
    expect(resolver.resolve({ 'Fn::Select': [1, ['a', { Ref: 'AWS::Region' }]] })).toBe('us-east-1');
  });

  it('resolves roles, delivery streams and configuration sets, which the events stack refers to', () => {
    const events = new Resolver(
      {
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'firehose-to-lake' } },
        Stream: { Type: 'AWS::KinesisFirehose::DeliveryStream', Properties: { DeliveryStreamName: 's' } },
        Unnamed: { Type: 'AWS::KinesisFirehose::DeliveryStream' },
        Set: { Type: 'AWS::SES::ConfigurationSet', Properties: { Name: 'mailroom-local-events' } },
      },
      { ...context, service: 'mailroom-events' },
    );
    expect(events.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe(
      'arn:aws:iam::000000000000:role/firehose-to-lake',
    );
    expect(events.resolve({ Ref: 'Stream' })).toBe('s');
    expect(events.resolve({ 'Fn::GetAtt': ['Stream', 'Arn'] })).toBe(
      'arn:aws:firehose:us-east-1:000000000000:deliverystream/s',
    );
    expect(events.resolve({ Ref: 'Unnamed' })).toBe('mailroom-events-local-Unnamed');
    expect(events.resolve({ Ref: 'Set' })).toBe('mailroom-local-events');
  });

  it('names unnamed resources after the stack, as stable local names', () => {
    expect(resolver.nameOf('OrderQueue')).toBe('mailroom-outbound-local-OrderQueue.fifo');
    expect(resolver.nameOf(functionLogicalId('retry-failed'))).toBe('mailroom-outbound-local-retry-failed');
  });

  it('fails clearly on what has no local meaning', () => {
    expect(() => resolver.resolve({ Ref: 'Missing' })).toThrow(
      'Missing is not a resource of mailroom-outbound-local',
    );
    expect(() => resolver.resolve({ Ref: 'SendErrorsAlarm' })).toThrow(
      /AWS::CloudWatch::Alarm has no local physical id/,
    );
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' })).toThrow('Fn::ImportValue is not supported');
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['MessagesTable', 'Nope'] })).toThrow(/MessagesTable.Nope/);
  });

  it('names function resources as Serverless does', () => {
    expect(functionLogicalId('send')).toBe('SendLambdaFunction');
    expect(functionLogicalId('retry-failed')).toBe('RetryDashfailedLambdaFunction');
    expect(functionLogicalId('do_it')).toBe('DoUnderscoreitLambdaFunction');
  });
});
