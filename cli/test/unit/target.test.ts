import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { localTarget, output, stageTarget } from '../../src/target';

describe('stage target', () => {
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => cfn.reset());
  afterAll(() => cfn.restore());

  it('reads names from the outputs of mailroom-<service>-<stage>, once per stack', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'mailroom-outbound-prod' }).resolves({
      Stacks: [
        {
          StackName: 'mailroom-outbound-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'TenantsTableName', OutputValue: 'mailroom-prod-tenants' }],
        },
      ],
    });
    const target = stageTarget('prod', 'eu-west-1', {});
    expect(target).toMatchObject({ stage: 'prod', region: 'eu-west-1', local: false, endpoints: {} });
    await expect(output(target, 'outbound', 'TenantsTableName')).resolves.toBe('mailroom-prod-tenants');
    await expect(output(target, 'outbound', 'MessagesTableName')).rejects.toThrow(
      'the outbound stack of stage prod has no output MessagesTableName',
    );
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('names a stack that does not exist', async () => {
    cfn.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id mailroom-inbound-prod does not exist'), {
        name: 'ValidationError',
      }),
    );
    await expect(
      stageTarget('prod', undefined, { AWS_REGION: 'us-east-2' }).outputs('inbound'),
    ).rejects.toMatchObject({
      name: 'ConfigError',
      message: 'stack mailroom-inbound-prod not found in us-east-2',
    });
  });

  it('needs a region', () => {
    expect(() => stageTarget('prod', undefined, {})).toThrow(
      'no AWS region: give --region or set AWS_REGION',
    );
  });
});

describe('local target', () => {
  it('uses the local cloud’s ports, overridden as pnpm dev reads them', () => {
    const target = localTarget({ MAILROOM_DYNAMODB_PORT: '18000' });
    expect(target).toMatchObject({
      stage: 'local',
      local: true,
      endpoints: {
        dynamodb: 'http://localhost:18000',
        aws: 'http://localhost:4566',
        ssm: 'http://localhost:4583',
        ses: 'http://localhost:8005',
      },
    });
    expect(() => localTarget({ MAILROOM_AWS_PORT: 'x' })).toThrow('MAILROOM_AWS_PORT=x is not a port number');
  });
});
