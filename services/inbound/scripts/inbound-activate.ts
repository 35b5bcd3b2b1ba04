/** `pnpm inbound:activate --stage <stage>`: src/admin/activate-rule-set.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SESClient } from '@aws-sdk/client-ses';
import { ActivateError, activateRuleSet, parseArgs, USAGE } from '../src/admin/activate-rule-set';

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2), process.env);
  if (options === null) {
    console.log(USAGE);
    return 0;
  }
  const cloudformation = new CloudFormationClient({ region: options.region });
  const ses = new SESClient({ region: options.region });
  try {
    const name = await activateRuleSet(options, { cloudformation, ses });
    console.log(`receipt rule set ${name} is active in ${options.region}`);
    return 0;
  } finally {
    cloudformation.destroy();
    ses.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ActivateError ? `inbound:activate: ${err.message}` : err);
    process.exit(1);
  },
);
