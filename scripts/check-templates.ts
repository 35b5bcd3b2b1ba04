/**
 * Runs after `serverless package` for every service: fails when a packaged template breaks a
 * deploy gate (scripts/lib/template-rules.ts) or the CloudFormation resource specification
 * (scripts/lib/template-spec.ts), and prints each template's size.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCfnSpec } from './lib/cfn-spec';
import type { Template } from './lib/cfn-template';
import { checkTemplate } from './lib/template-rules';
import { checkTemplateSpec } from './lib/template-spec';

const services = ['outbound', 'inbound', 'events', 'api'];

async function main(): Promise<boolean> {
  const spec = await loadCfnSpec();
  console.log(`CloudFormation resource specification loaded in ${(spec.loadMs / 1000).toFixed(1)} s`);
  let failed = false;
  for (const service of services) {
    const file = join(
      __dirname,
      '..',
      'services',
      service,
      '.serverless',
      'cloudformation-template-update-stack.json',
    );
    const template = JSON.parse(readFileSync(file, 'utf8')) as Template;
    const problems = [...checkTemplate(template), ...checkTemplateSpec(template, spec)];
    const kib = (statSync(file).size / 1024).toFixed(1);
    const count = Object.keys(template.Resources).length;
    console.log(
      `${service.padEnd(9)} ${kib.padStart(6)} KiB  ${count} resources  ${problems.length ? 'FAIL' : 'ok'}`,
    );
    for (const problem of problems) console.log(`  - ${problem}`);
    failed ||= problems.length > 0;
  }
  return failed;
}

main().then(
  (failed) => process.exit(failed ? 1 : 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
