import { checkTemplate, type Template } from '../lib/template-rules';

const role = (actions: string[]) => ({
  Type: 'AWS::IAM::Role',
  Properties: {
    Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:x' }] } }],
  },
});
const fn = (roleId: string, runtime = 'nodejs22.x') => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Runtime: runtime, Role: { 'Fn::GetAtt': [roleId, 'Arn'] } },
});
const privateBucket = {
  Type: 'AWS::S3::Bucket',
  Properties: {
    BucketEncryption: { ServerSideEncryptionConfiguration: [] },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
  },
};

describe('template rules', () => {
  it('accepts functions with their own narrow roles and private encrypted buckets', () => {
    const template: Template = {
      Resources: { ARole: role(['sqs:SendMessage']), A: fn('ARole'), Bucket: privateBucket },
    };
    expect(checkTemplate(template)).toEqual([]);
  });

  it('flags wildcard actions, including service-wide ones', () => {
    const template: Template = { Resources: { R: role(['s3:*', 'dynamodb:GetItem', '*']) } };
    expect(checkTemplate(template)).toEqual(['R: wildcard action s3:*', 'R: wildcard action *']);
  });

  it('flags Allow with NotAction', () => {
    const template: Template = {
      Resources: {
        P: {
          Type: 'AWS::IAM::Policy',
          Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', NotAction: 'iam:*' }] } },
        },
      },
    };
    expect(checkTemplate(template)).toEqual(['P: Allow with NotAction grants everything else']);
  });

  it('ignores wildcards in Deny statements such as the TLS-only bucket policy', () => {
    const template: Template = {
      Resources: {
        P: {
          Type: 'AWS::S3::BucketPolicy',
          Properties: { PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 's3:*' }] } },
        },
      },
    };
    expect(checkTemplate(template)).toEqual([]);
  });

  it('flags functions that share a role, lack one, or run an old runtime', () => {
    const template: Template = {
      Resources: { R: role(['sqs:SendMessage']), A: fn('R'), B: fn('R'), C: fn('Missing', 'nodejs20.x') },
    };
    expect(checkTemplate(template)).toEqual([
      'B: shares role R with A',
      'C: runtime is not nodejs22.x',
      'C: no role of its own declared in this template',
    ]);
  });

  it('flags buckets that are unencrypted or not fully private', () => {
    const template: Template = {
      Resources: {
        Open: {
          Type: 'AWS::S3::Bucket',
          Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: true } },
        },
      },
    };
    expect(checkTemplate(template)).toEqual([
      'Open: bucket without BucketEncryption',
      'Open: bucket does not block every kind of public access',
    ]);
  });

  describe('dead-letter queues', () => {
    const queue = (name: string, dlq?: string) => ({
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: name,
        ...(dlq && {
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
        }),
      },
    });
    const alarm = (queueId: string, over: Record<string, unknown> = {}) => ({
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: ['arn:aws:sns:us-east-1:000000000000:alarms'],
        ...over,
      },
    });

    it('accepts a redrive target and a *-dlq queue that each have a depth alarm with an action', () => {
      const template: Template = {
        Resources: {
          Work: queue('work', 'Parked'),
          Parked: queue('parked'),
          Notify: queue('mailroom-dev-notify-dlq'),
          ParkedAlarm: alarm('Parked'),
          NotifyAlarm: alarm('Notify'),
        },
      };
      expect(checkTemplate(template)).toEqual([]);
    });

    it('flags a dead-letter queue with no alarm, or one that is on another queue, silent or not at > 0', () => {
      const template: Template = {
        Resources: {
          Work: queue('work', 'Parked'),
          Parked: queue('parked'),
          Notify: queue('mailroom-dev-notify-dlq'),
          Other: queue('mailroom-dev-other-dlq'),
          Third: queue('mailroom-dev-third-dlq'),
          WrongQueue: alarm('Work'),
          Silent: alarm('Notify', { AlarmActions: [] }),
          Late: alarm('Other', { Threshold: 10 }),
          WrongMetric: alarm('Third', { MetricName: 'NumberOfMessagesSent' }),
        },
      };
      expect(checkTemplate(template)).toEqual(
        ['Parked', 'Notify', 'Other', 'Third'].map(
          (id) => `${id}: dead-letter queue without an alarm on ApproximateNumberOfMessagesVisible > 0`,
        ),
      );
    });
  });
});
