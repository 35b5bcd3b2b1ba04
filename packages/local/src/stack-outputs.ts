/**
 * A service's stack outputs (`resources.Outputs`) as the local cloud resolves them: the same
 * `serverless print` (cached) and Resolver that provisioning uses, so a client outside `pnpm dev` (the
 * admin CLI) finds the very tables and queues the running cloud created.
 */
import { LOCAL_ACCOUNT_ID, Resolver } from './cloudformation/resolver';
import { LOCAL_REGION, printEnv } from './env';
import { silentLogger, type Logger } from './logger';
import { repoRoot, type ServiceName } from './paths';
import { printService } from './serverless/print';

export interface LocalOutputsOptions {
  /** The SQS/SNS/S3 endpoint queue URLs are built on, e.g. `http://localhost:4566`. */
  awsEndpoint: string;
  root?: string;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export async function localStackOutputs(
  service: ServiceName,
  options: LocalOutputsOptions,
): Promise<Record<string, string>> {
  const config = await printService(
    options.root ?? repoRoot(),
    service,
    'local',
    printEnv(options.env ?? process.env),
    options.logger ?? silentLogger,
  );
  const resolver = new Resolver(config.resources?.Resources ?? {}, {
    service: config.service,
    stage: 'local',
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    awsEndpoint: options.awsEndpoint,
    functions: config.functions ?? {},
  });
  const outputs =
    (config.resources as { Outputs?: Record<string, { Value: unknown }> } | undefined)?.Outputs ?? {};
  const out: Record<string, string> = {};
  for (const [name, { Value }] of Object.entries(outputs)) {
    try {
      out[name] = resolver.resolveString(Value, `${config.service} output ${name}`);
    } catch {
      // Outputs with no local value (an ARN of something the local cloud does not create) are left out.
    }
  }
  return out;
}
