import { cli, newWorld } from '../support/memory';
import { Readable, Writable } from 'node:stream';
import { readSecret } from '../../src/secret-input';
import { runCli } from '../../src/cli';
import { describeError } from '../../src/errors';

describe('mailroom command line', () => {
  const world = newWorld();

  it('prints every command on --help, and exits 0', async () => {
    const run = await cli(world, '--help');
    expect(run.code).toBe(0);
    for (const line of [
      'tenant create <id>',
      'key create <tenant>',
      'route add <address-pattern> <tenant>',
      'domain verify <domain>',
      'dlq redrive <send|inbound>',
    ]) {
      expect(run.stdout).toContain(line);
    }
    expect(run.stdout).toContain('lake query <name> [--param k=v]       see pnpm lake:query');
  });

  it.each([
    [['tenant', '--help'], 'tenant update'],
    [['key', 'create', '--help'], '--allow-ip <cidr>,...'],
    [['dlq', 'redrive', '-h'], 'attemptsUsed and shareSlotAt'],
    [['route', 'add', '--help', '--json'], '--webhook <url>'],
  ])('prints help for %j', async (argv, expected) => {
    const run = await cli(world, ...argv);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(expected);
  });

  it.each([
    [[], 'missing command'],
    [['tenants', 'list'], 'unknown command "tenants"'],
    [['tenant'], 'missing command: tenant create|list|show|update'],
    [['tenant', 'remove', 'acme'], 'unknown command "tenant remove"'],
    [['tenant', 'create'], 'missing argument <id>'],
    [['tenant', 'create', 'acme', 'extra'], 'unexpected argument "extra"'],
    [['tenant', 'list', '--verbose'], "Unknown option '--verbose'"],
    [['tenant', 'update', 'acme', '--send-rate'], "Option '--send-rate <value>' argument missing"],
    [['tenant', 'update', 'acme', '--send-rate', 'fast'], '--send-rate must be a number above 0, not "fast"'],
    [['tenant', 'update', 'acme', '--provider', 'mailgun'], '--provider must be one of ses, sendgrid'],
    [['tenant', 'update', 'acme'], 'nothing to update'],
    [['tenant', 'list', '--stage'], '--stage needs a value'],
    [['tenant', 'list', '--stage', 'prod/x'], '--stage must be letters, digits and "-"'],
    [['lake', 'query', 'daily-counts'], 'lake query is not part of this build: see pnpm lake:query'],
  ])('refuses %j on stderr with exit code 2', async (argv, message) => {
    const run = await cli(world, ...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`mailroom: ${message}`);
    expect(run.stderr).toMatch(/Run 'pnpm mailroom .*--help' for usage\./);
  });

  it('answers errors as JSON on stderr with --json', async () => {
    const run = await cli(world, 'tenant', 'show', 'nobody', '--json');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({
      error: { code: 'RESOURCE.NOT_FOUND', message: 'Tenant nobody not found' },
    });
  });

  it('takes global flags before the command too', async () => {
    const run = await cli(world, '--json', 'tenant', 'create', 'early-bird');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ tenantId: 'early-bird' });
  });
});

describe('describeError', () => {
  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }),
      'connect ECONNREFUSED 127.0.0.1:8000',
    ],
    [
      Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9'), {
        $metadata: {},
      }),
      'connect ECONNREFUSED 127.0.0.1:9',
    ],
    [new Error('outer', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) }), 'ENOTFOUND'],
  ])('names an unreachable local cloud as such (%#)', (err, shown) => {
    expect(describeError(err, { local: true })).toEqual({
      code: 'CLI.UNREACHABLE',
      message: `the local cloud does not answer (${shown}): is pnpm dev running?`,
    });
  });

  it('names an AWS refusal by its exception name', () => {
    const err = Object.assign(new Error('User is not authorized'), {
      name: 'AccessDeniedException',
      $metadata: {},
    });
    expect(describeError(err)).toEqual({
      code: 'AWS.AccessDeniedException',
      message: 'AWS refused it: AccessDeniedException: User is not authorized',
    });
  });
});

describe('lake query', () => {
  it('passes its arguments through to pnpm lake:query where the build has it, with its exit code', async () => {
    const calls: string[][] = [];
    const world = newWorld();
    const io = { out: () => undefined, err: () => undefined, readSecret: async () => '' };
    const code = await runCli(['lake', 'query', 'daily-counts', '--param', 'tenant=acme', '--json'], {
      io,
      lakeAvailable: true,
      connect: () => ({
        stage: 'local',
        io,
        tenants: async () => world.tenants,
        domains: async () => ({ domains: world.domains, identities: world.identities, region: 'us-east-1' }),
        routes: async () => world.routes,
        messages: async () => world.messages,
        secrets: async () => world.secrets,
        queues: async (name) => world.queues[name],
        lakeQuery: async (args) => {
          calls.push([...args]);
          return 3;
        },
      }),
    });
    expect(code).toBe(3);
    expect(calls).toEqual([['daily-counts', '--param', 'tenant=acme', '--json']]);
  });
});

describe('readSecret', () => {
  it('reads the whole of a piped stdin, trimmed, and prints no prompt', async () => {
    const written: string[] = [];
    const output = new Writable({ write: (chunk, _e, cb) => (written.push(String(chunk)), cb()) });
    await expect(readSecret('key: ', Readable.from(['SG.abc', 'def\n']), output)).resolves.toBe('SG.abcdef');
    expect(written).toEqual([]);
  });
});
