import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SetActiveReceiptRuleSetCommand, type SESClient } from '@aws-sdk/client-ses';

export const USAGE = `Usage: pnpm inbound:activate --stage <stage> [--region <region>]

Makes the inbound stack's SES receipt rule set the active one, so SES starts receiving mail for the
domains of \`inboundDomains\`. CloudFormation creates the rule set but cannot activate it; an account
has one active rule set per region, and this replaces whichever was active.

  --stage <stage>    the deployed stage (stack mailroom-inbound-<stage>)
  --region <region>  the stack's region (default: AWS_REGION, else us-east-1)
  --help             this text

AWS credentials come from the usual chain (env, profile, SSO).`;

export interface ActivateOptions {
  stage: string;
  region: string;
}

/** Thrown for what the operator must fix; the command prints the message alone. */
export class ActivateError extends Error {}

/** Reads `--stage`, `--region`, `--help`; null for help. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ActivateOptions | null {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return null;
    if (arg === '--') continue;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    if (flag !== '--stage' && flag !== '--region')
      throw new ActivateError(`unknown argument ${arg}\n\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ActivateError(`${flag} needs a value`);
    values[flag.slice(2)] = value;
  }
  if (!values.stage) throw new ActivateError(`--stage is required\n\n${USAGE}`);
  if (!/^[a-zA-Z0-9-]+$/.test(values.stage))
    throw new ActivateError(`--stage ${values.stage} is not a stage name`);
  return { stage: values.stage, region: values.region ?? env.AWS_REGION ?? 'us-east-1' };
}

/** Activates the stack's rule set; answers its name. */
export async function activateRuleSet(
  options: ActivateOptions,
  clients: { cloudformation: CloudFormationClient; ses: SESClient },
): Promise<string> {
  const stackName = `mailroom-inbound-${options.stage}`;
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    const { Stacks } = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Stacks?.[0]?.Outputs ?? [];
  } catch (err) {
    if (err instanceof Error && err.name === 'ValidationError')
      throw new ActivateError(`no stack ${stackName} in ${options.region}: deploy the inbound service first`);
    throw err;
  }
  const name = outputs.find((o) => o.OutputKey === 'ReceiptRuleSetName')?.OutputValue;
  if (!name) {
    throw new ActivateError(
      `stack ${stackName} has no receipt rule set: deploy it with the param inboundDomains (a comma list of domains)`,
    );
  }
  try {
    await clients.ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: name }));
  } catch (err) {
    // SES receives mail in a few regions only (https://docs.aws.amazon.com/ses/latest/dg/regions.html#region-receive-email).
    throw new ActivateError(
      `SES refused to activate ${name} in ${options.region}: ${(err as Error).message}`,
    );
  }
  return name;
}
