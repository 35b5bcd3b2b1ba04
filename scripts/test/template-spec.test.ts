import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCfnSpec, type CfnSpec } from '../lib/cfn-spec';
import type { Resource, Template } from '../lib/cfn-template';
import { checkTemplate } from '../lib/template-rules';
import { checkTemplateSpec } from '../lib/template-spec';

/** A template from scripts/test/fixtures, fresh for every test so each can break it its own way. */
const fixture = (name: string): Template =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.template.json`), 'utf8')) as Template;

// Tests edit fixtures deep inside plain JSON; typing every level would only restate the fixture.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A fixture resource's Properties, to edit (the fixtures declare every resource with some). */
const propsOf = (template: Template, id: string): Json => template.Resources[id]!.Properties;

const only = (resources: Record<string, Resource>): Template => ({ Resources: resources });

const queue = (properties: Record<string, unknown> = {}): Resource => ({
  Type: 'AWS::SQS::Queue',
  Properties: properties,
});

let spec: CfnSpec;
beforeAll(async () => {
  spec = await loadCfnSpec();
});

describe('template spec: realistic templates pass', () => {
  it('loads the specification once', async () => {
    expect(await loadCfnSpec()).toBe(spec);
    expect(spec.loadMs).toBeGreaterThan(0);
  });

  it('accepts a packaged outbound template (functions, HTTP API, queues, tables, alarms, roles)', () => {
    const template = fixture('outbound');
    expect(checkTemplateSpec(template, spec)).toEqual([]);
    expect(checkTemplate(template)).toEqual([]);
  });

  it('accepts Firehose to Parquet via Glue, SES event destinations and receipt rules', () => {
    expect(checkTemplateSpec(fixture('lake'), spec)).toEqual([]);
  });

  it('takes intrinsics for any type, free-form JSON properties and the scalars CloudFormation coerces', () => {
    const template = only({
      Q: queue({
        VisibilityTimeout: '30', // a numeric string is an integer
        FifoQueue: 'false', // and "true" / "false" booleans
        QueueName: 12, // a number is a string
        MessageRetentionPeriod: { 'Fn::If': ['Prod', 1209600, 345600] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['D', 'Arn'] }, maxReceiveCount: 5 },
        Tags: { 'Fn::Split': [',', 'a,b'] },
      }),
      D: queue(),
      R: {
        Type: 'AWS::IAM::Role',
        Properties: { AssumeRolePolicyDocument: { Anything: ['goes', { here: 1 }] } },
      },
      Handler: { Type: 'Custom::Seed', Properties: { ServiceToken: 'arn:x', Whatever: [1] } },
    });
    expect(checkTemplateSpec(template, spec)).toEqual([]);
  });
});

describe('template spec: problems', () => {
  it('flags resource types CloudFormation does not have', () => {
    const template = only({ Topic: { Type: 'AWS::SNS::Topik' }, Seed: { Type: 'Custom::Seed' } });
    expect(checkTemplateSpec(template, spec)).toEqual([
      'Topic: AWS::SNS::Topik is not a CloudFormation resource type (did you mean AWS::SNS::Topic?)',
      'Seed: ServiceToken is missing (required by Custom::Seed)',
    ]);
  });

  it('flags misspelt resource attributes and top-level properties', () => {
    const template = only({ Q: { ...queue({ VisibilityTimout: 30, toString: 'x' }), Propertes: {} } });
    expect(checkTemplateSpec(template, spec)).toEqual([
      'Q: Propertes is not a resource attribute (did you mean Properties?)',
      'Q: VisibilityTimout is not a property of AWS::SQS::Queue (did you mean VisibilityTimeout?)',
      'Q: toString is not a property of AWS::SQS::Queue',
    ]);
  });

  it('flags unknown properties of nested property types, in lists and in maps', () => {
    const template = fixture('lake');
    const s3 = propsOf(template, 'DeliveryStream').ExtendedS3DestinationConfiguration;
    s3.BufferingHints = { IntervalInSecond: 300 };
    s3.ProcessingConfiguration.Processors[0].Parameters[1] = {
      Name: 'JsonParsingEngine',
      ParameterValue: 'JQ-1.6',
    };
    propsOf(template, 'EventsTable').TableInput.StorageDescriptor.Columns[2].Typ = 'string';
    const outbound = fixture('outbound');
    propsOf(outbound, 'HttpApiIntegrationHealth').ResponseParameters = { '200': { ResponseParameter: [] } };
    expect([...checkTemplateSpec(template, spec), ...checkTemplateSpec(outbound, spec)]).toEqual([
      'EventsTable: TableInput.StorageDescriptor.Columns[2].Typ is not a property of AWS::Glue::Table.Column (did you mean Type?)',
      'DeliveryStream: ExtendedS3DestinationConfiguration.BufferingHints.IntervalInSecond is not a property of AWS::KinesisFirehose::DeliveryStream.BufferingHints (did you mean IntervalInSeconds?)',
      'DeliveryStream: ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors[0].Parameters[1].Name is not a property of AWS::KinesisFirehose::DeliveryStream.ProcessorParameter',
      'DeliveryStream: ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors[0].Parameters[1].ParameterName is missing (required by AWS::KinesisFirehose::DeliveryStream.ProcessorParameter)',
      'HttpApiIntegrationHealth: ResponseParameters.200.ResponseParameter is not a property of AWS::ApiGatewayV2::Integration.ResponseParameterMap (did you mean ResponseParameters?)',
    ]);
  });

  it('flags missing required properties, at the top and nested', () => {
    const template = fixture('lake');
    delete propsOf(template, 'EventsTable').CatalogId;
    delete propsOf(template, 'ReceiptRule').Rule.Actions[1].StopAction.Scope;
    delete template.Resources.ReceiptRuleSet!.Properties;
    template.Resources.Unconfigured = { Type: 'AWS::Lambda::Function' };
    expect(checkTemplateSpec(template, spec)).toEqual([
      'EventsTable: CatalogId is missing (required by AWS::Glue::Table)',
      'ReceiptRule: Rule.Actions[1].StopAction.Scope is missing (required by AWS::SES::ReceiptRule.StopAction)',
      'Unconfigured: Code is missing (required by AWS::Lambda::Function)',
      'Unconfigured: Role is missing (required by AWS::Lambda::Function)',
    ]);
  });

  it('flags literals of the wrong type: scalars, lists for objects and objects for lists', () => {
    const template = fixture('lake');
    const s3 = propsOf(template, 'DeliveryStream').ExtendedS3DestinationConfiguration;
    s3.BufferingHints.IntervalInSeconds = 'five minutes';
    s3.BufferingHints.SizeInMBs = 1.5;
    s3.CloudWatchLoggingOptions.Enabled = 'yes';
    s3.ProcessingConfiguration.Processors = { Type: 'MetadataExtraction' };
    propsOf(template, 'ConfigurationSet').SendingOptions = [{ SendingEnabled: true }];
    propsOf(template, 'ConfigurationSetEvents').EventDestination.Name = null;
    template.Resources.Q = queue({ QueueName: ['a'], Tags: [{ Key: 'k', Value: { v: 1 } }] });
    expect(checkTemplateSpec(template, spec)).toEqual([
      'DeliveryStream: ExtendedS3DestinationConfiguration.BufferingHints.IntervalInSeconds is the string "five minutes", expected an integer',
      'DeliveryStream: ExtendedS3DestinationConfiguration.BufferingHints.SizeInMBs is the number 1.5, expected an integer',
      'DeliveryStream: ExtendedS3DestinationConfiguration.CloudWatchLoggingOptions.Enabled is the string "yes", expected a boolean',
      'DeliveryStream: ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors is an object, expected a list',
      'ConfigurationSet: SendingOptions is a list, expected an object (AWS::SES::ConfigurationSet.SendingOptions)',
      'ConfigurationSetEvents: EventDestination.Name is null, which CloudFormation does not accept',
      'Q: QueueName is a list, expected a string',
      'Q: Tags[0].Value is an object, expected a string',
    ]);
  });

  it('checks the typed member of a union with a JSON member (DynamoDB KeySchema)', () => {
    const template = only({
      T: {
        Type: 'AWS::DynamoDB::Table',
        Properties: { KeySchema: [{ AttributeName: 'pk', KeyTyp: 'HASH' }] },
      },
    });
    expect(checkTemplateSpec(template, spec)).toEqual([
      'T: KeySchema[0].KeyTyp is not a property of AWS::DynamoDB::Table.KeySchema (did you mean KeyType?)',
      'T: KeySchema[0].KeyType is missing (required by AWS::DynamoDB::Table.KeySchema)',
    ]);
  });

  it('flags Fn::GetAtt attributes the target type does not have', () => {
    const template = fixture('lake');
    propsOf(template, 'ConfigurationSetEvents').EventDestination.KinesisFirehoseDestination.IAMRoleARN = {
      'Fn::GetAtt': ['EventsRole', 'Arnn'],
    };
    template.Outputs = { Topic: { Value: { 'Fn::GetAtt': 'ReceiptTopic.Name' } } };
    propsOf(template, 'EventsTable').TableInput.StorageDescriptor.Location = {
      'Fn::Sub': 's3://${DeliveryStream.Name}/events/',
    };
    expect(checkTemplateSpec(template, spec)).toEqual([
      'EventsTable: TableInput.StorageDescriptor.Location: Fn::GetAtt DeliveryStream.Name: AWS::KinesisFirehose::DeliveryStream has no attribute Name (it has Arn)',
      'ConfigurationSetEvents: EventDestination.KinesisFirehoseDestination.IAMRoleARN: Fn::GetAtt EventsRole.Arnn: AWS::IAM::Role has no attribute Arnn (did you mean Arn?)',
      'Outputs.Topic: Value: Fn::GetAtt ReceiptTopic.Name: AWS::SNS::Topic has no attribute Name (it has TopicArn, TopicName)',
    ]);
  });

  it('flags Fn::GetAtt, Ref and DependsOn naming resources the template does not have', () => {
    const template = fixture('lake');
    const s3 = propsOf(template, 'DeliveryStream').ExtendedS3DestinationConfiguration;
    s3.BucketARN = { 'Fn::GetAtt': ['Lake', 'Arn'] };
    s3.CloudWatchLoggingOptions.LogGroupName = { Ref: 'DeliveryLogGrup' };
    s3.Prefix = { 'Fn::Sub': ['${Root}/${Day}/${Missing.Arn}', { Day: '!{timestamp:dd}' }] };
    template.Resources.ReceiptRule!.DependsOn = ['LakeBuckets'];
    expect(checkTemplateSpec(template, spec)).toEqual([
      'DeliveryStream: ExtendedS3DestinationConfiguration.BucketARN: Fn::GetAtt Lake.Arn names no resource in this template',
      'DeliveryStream: ExtendedS3DestinationConfiguration.Prefix: Ref Root names no resource or parameter in this template',
      'DeliveryStream: ExtendedS3DestinationConfiguration.Prefix: Fn::GetAtt Missing.Arn names no resource in this template',
      'DeliveryStream: ExtendedS3DestinationConfiguration.CloudWatchLoggingOptions.LogGroupName: Ref DeliveryLogGrup names no resource or parameter in this template (did you mean DeliveryLogGroup?)',
      'ReceiptRule: DependsOn LakeBuckets names no resource in this template (did you mean LakeBucket?)',
    ]);
  });
});
