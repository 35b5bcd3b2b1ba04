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
});
