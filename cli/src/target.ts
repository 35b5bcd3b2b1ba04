import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConfigError } from '@mailroom/core';
import { DEFAULT_PORTS, LOCAL_REGION, localStackOutputs, portEnvName, type PortName } from '@mailroom/local';

export type StackName = 'outbound' | 'inbound';

/** Where commands go: endpoints (local cloud only), the region, and each stack's outputs. */
export interface Target {
  stage: string;
  region: string;
  local: boolean;
  endpoints: { dynamodb?: string; aws?: string; ssm?: string; ses?: string };
  outputs(stack: StackName): Promise<Record<string, string>>;
}

const once = <T>(make: (stack: StackName) => Promise<T>) => {
  const cache = new Map<StackName, Promise<T>>();
  return (stack: StackName) => {
    if (!cache.has(stack)) cache.set(stack, make(stack));
    return cache.get(stack)!;
  };
};

/**
 * The local cloud as `pnpm dev` runs it: its ports (defaults, or the same MAILROOM_*_PORT overrides),
 * and resource names resolved from the services' CloudFormation as provisioning resolved them.
 */
export function localTarget(env: NodeJS.ProcessEnv = process.env, root?: string): Target {
  const port = (name: PortName) => {
    const raw = env[portEnvName(name)];
    const value = raw ? Number(raw) : DEFAULT_PORTS[name];
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new ConfigError(`${portEnvName(name)}=${raw} is not a port number`);
    }
    return `http://localhost:${value}`;
  };
  const aws = port('aws');
  return {
    stage: 'local',
    region: LOCAL_REGION,
    local: true,
    endpoints: { aws, dynamodb: port('dynamodb'), ssm: port('ssm'), ses: port('ses') },
    outputs: once((stack) => localStackOutputs(stack, { awsEndpoint: aws, env, ...(root && { root }) })),
  };
}

/**
 * A deployed stage: outputs of the stacks `mailroom-<service>-<stage>` (DescribeStacks), credentials
 * from the SDK's default chain.
 */
export function stageTarget(
  stage: string,
  region: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Target {
  const chosen = region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!chosen) throw new ConfigError('no AWS region: give --region or set AWS_REGION');
  const cfn = new CloudFormationClient({ region: chosen });
  return {
    stage,
    region: chosen,
    local: false,
    endpoints: {},
    outputs: once(async (stack) => {
      const StackName = `mailroom-${stack}-${stage}`;
      const { Stacks = [] } = await cfn.send(new DescribeStacksCommand({ StackName })).catch((err: Error) => {
        if (err.name === 'ValidationError')
          throw new ConfigError(`stack ${StackName} not found in ${chosen}`, { cause: err });
        throw err;
      });
      return Object.fromEntries(
        (Stacks[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
      );
    }),
  };
}

/** One output, or a ConfigError naming the stack and output (a stack from an older Mailroom, say). */
export async function output(target: Target, stack: StackName, name: string): Promise<string> {
  const value = (await target.outputs(stack))[name];
  if (!value) throw new ConfigError(`the ${stack} stack of stage ${target.stage} has no output ${name}`);
  return value;
}
