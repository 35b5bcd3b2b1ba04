import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const SERVICE = join(__dirname, '..', '..');
const BIN = join(SERVICE, 'node_modules', 'serverless', 'bin', 'serverless.js');

/** `serverless print` of this service with an inboundDomains param: what package and deploy resolve first. */
const print = (domains: string) =>
  promisify(execFile)(
    process.execPath,
    [BIN, 'print', '--stage', 'dev', '--format', 'json', `--param=inboundDomains=${domains}`],
    {
      cwd: SERVICE,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      maxBuffer: 16 * 1024 * 1024,
    },
  ).then(
    ({ stdout }) => ({ ok: true as const, config: JSON.parse(stdout.slice(stdout.indexOf('{'))) }),
    (err: Error & { stdout?: string; stderr?: string }) => ({
      ok: false as const,
      output: `${err.stdout ?? ''}${err.stderr ?? ''}`,
    }),
  );

describe('serverless.yml with the inboundDomains param', () => {
  it('resolves five domains into the five rules, and fails on a sixth saying which is left out', async () => {
    const five = 'a.example,b.example,c.example,d.example,e.example';
    const [fits, overflows] = await Promise.all([print(five), print(`${five},f.example`)]);
    expect(fits).toMatchObject({ ok: true, config: { custom: { inboundDomainSlots: five } } });
    expect(overflows.ok).toBe(false);
    expect(overflows.ok === false && overflows.output).toContain(
      'inboundDomains names 6 domains, but the receipt rule set has 5 rules (ReceiptRule1–5 in ' +
        'services/inbound/serverless.yml), so f.example would receive no mail',
    );
  });
});
