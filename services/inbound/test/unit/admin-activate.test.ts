import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SESClient, SetActiveReceiptRuleSetCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { ActivateError, activateRuleSet, parseArgs } from '../../src/admin/activate-rule-set';

const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const cloudformation = new CloudFormationClient({ region: 'eu-west-1', credentials });
const ses = new SESClient({ region: 'eu-west-1', credentials });
const cfn = mockClient(cloudformation);
const sesMock = mockClient(ses);
beforeEach(() => {
  cfn.reset();
  sesMock.reset();
});

describe('parseArgs', () => {
  it('reads the stage and region, the region defaulting to AWS_REGION', () => {
    expect(parseArgs(['--stage', 'prod'], { AWS_REGION: 'eu-west-1' })).toEqual({
      stage: 'prod',
      region: 'eu-west-1',
    });
    expect(parseArgs(['--stage=prod', '--region', 'us-west-2'], {})).toEqual({
      stage: 'prod',
      region: 'us-west-2',
    });
    expect(parseArgs(['--', '--stage', 'dev'], {})).toEqual({ stage: 'dev', region: 'us-east-1' });
    expect(parseArgs(['--stage', 'dev', '--help'], {})).toBeNull();
  });
  it.each([
    [[], /--stage is required/],
    [['--stage'], /--stage needs a value/],
    [['--stage', '--region', 'x'], /--stage needs a value/],
    [['--stage', 'a b'], /not a stage name/],
    [['--stage', 'dev', '--force'], /unknown argument --force/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv, {})).toThrow(message);
    expect(() => parseArgs(argv, {})).toThrow(ActivateError);
  });
});

describe('activateRuleSet', () => {
  const options = { stage: 'prod', region: 'eu-west-1' };
  it("activates the rule set the stack's outputs name", async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'mailroom-inbound-prod' }).resolves({
      Stacks: [
        {
          StackName: 'mailroom-inbound-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'ReceiptRuleSetName', OutputValue: 'mailroom-prod-inbound' }],
        },
      ],
    });
    sesMock.on(SetActiveReceiptRuleSetCommand).resolves({});
    await expect(activateRuleSet(options, { cloudformation, ses })).resolves.toBe('mailroom-prod-inbound');
    expect(sesMock.commandCalls(SetActiveReceiptRuleSetCommand)[0]?.args[0].input).toEqual({
      RuleSetName: 'mailroom-prod-inbound',
    });
  });
  it('says to deploy with inboundDomains when the stack has no rule set', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 's', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });
    await expect(activateRuleSet(options, { cloudformation, ses })).rejects.toThrow(
      /deploy it with the param inboundDomains/,
    );
    expect(sesMock.commandCalls(SetActiveReceiptRuleSetCommand)).toHaveLength(0);
  });
  it('says when the stack does not exist', async () => {
    const missing = Object.assign(new Error('Stack with id mailroom-inbound-prod does not exist'), {
      name: 'ValidationError',
    });
    cfn.on(DescribeStacksCommand).rejects(missing);
    await expect(activateRuleSet(options, { cloudformation, ses })).rejects.toThrow(
      'no stack mailroom-inbound-prod in eu-west-1',
    );
  });
  it('names the region when SES refuses (receiving exists in a few regions only)', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 's',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'ReceiptRuleSetName', OutputValue: 'rs' }],
        },
      ],
    });
    sesMock.on(SetActiveReceiptRuleSetCommand).rejects(new Error('Unsupported region'));
    await expect(activateRuleSet(options, { cloudformation, ses })).rejects.toThrow(
      'SES refused to activate rs in eu-west-1: Unsupported region',
    );
  });
});
