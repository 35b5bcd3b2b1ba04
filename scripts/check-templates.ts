/**
 * Runs after `serverless package` for every service: fails when a packaged template breaks a
 * deploy gate (scripts/lib/template-rules.ts) and prints each template's size.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkTemplate, type Template } from './lib/template-rules';

const services = ['outbound', 'inbound', 'events', 'api'];
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
  const problems = checkTemplate(template);
  const kib = (statSync(file).size / 1024).toFixed(1);
  const count = Object.keys(template.Resources).length;
  console.log(
    `${service.padEnd(9)} ${kib.padStart(6)} KiB  ${count} resources  ${problems.length ? 'FAIL' : 'ok'}`,
  );
  for (const problem of problems) console.log(`  - ${problem}`);
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
