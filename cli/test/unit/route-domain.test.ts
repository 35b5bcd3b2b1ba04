import { createHash } from 'node:crypto';
import { cli, newWorld, type World } from '../support/memory';

const hash16 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

describe('mailroom route', () => {
  let world: World;
  beforeEach(async () => {
    world = newWorld();
    await world.tenants.createTenant('acme');
  });

  it('adds a webhook route: the secret goes to Parameter Store under the pattern’s hash and is printed once', async () => {
    const run = await cli(
      world,
      'route',
      'add',
      'Support@In.Acme.Example',
      'acme',
      '--webhook',
      'https://hooks.acme.example/in',
      '--json',
    );
    expect(run.code).toBe(0);
    const parameter = `/mailroom/local/inbound/routes/${hash16('support@in.acme.example')}/secret`;
    const { secret, ...route } = run.json();
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(world.secrets.values.get(parameter)).toBe(secret);
    expect(route).toMatchObject({
      pattern: 'support@in.acme.example',
      tenantId: 'acme',
      destination: { type: 'webhook', url: 'https://hooks.acme.example/in', secretParameter: parameter },
    });
    expect(await world.routes.get('support@in.acme.example')).toMatchObject({
      destination: { secretParameter: parameter },
    });
    const listed = await cli(world, 'route', 'list');
    expect(listed.stdout).toContain('support@in.acme.example  acme    webhook https://hooks.acme.example/in');
    expect(listed.stdout).not.toContain(secret);
  });

  it('adds store and queue routes, and removes a route with its secret', async () => {
    expect((await cli(world, 'route', 'add', '*@in.acme.example', 'acme')).stdout).toBe(
      'added route *@in.acme.example → acme (store only)',
    );
    const queued = await cli(
      world,
      'route',
      'add',
      'ops@in.acme.example',
      'acme',
      '--queue',
      'https://sqs.us-east-1.amazonaws.com/1/mailroom-local-inbound-to-ops',
    );
    expect(queued.code).toBe(0);
    await cli(world, 'route', 'add', 'hook@in.acme.example', 'acme', '--webhook', 'https://h.example/x');
    expect(world.secrets.values.size).toBe(1);
    const removed = await cli(world, 'route', 'remove', 'hook@in.acme.example');
    expect(removed.code).toBe(0);
    expect(world.secrets.values.size).toBe(0);
    expect((await world.routes.list()).map((r) => r.pattern)).toEqual([
      '*@in.acme.example',
      'ops@in.acme.example',
    ]);
  });

  it.each([
    [['route', 'add', 'not-an-address', 'acme'], 2, '"not-an-address" is not an address pattern'],
    [['route', 'add', '*@*.example', 'acme'], 2, 'is not an address pattern'],
    [['route', 'add', 'a@b.example', 'acme', '--webhook', 'ftp://x'], 2, '--webhook must be an http(s) URL'],
    [
      ['route', 'add', 'a@b.example', 'acme', '--webhook', 'https://x', '--queue', 'https://y'],
      2,
      'not both',
    ],
    [
      ['route', 'add', 'a@b.example', 'acme', '--queue', 'https://sqs.us-east-1.amazonaws.com/1/ops'],
      2,
      'the queue must be named mailroom-local-inbound-to-',
    ],
    [['route', 'add', 'a@b.example', 'nobody'], 1, 'Tenant nobody not found'],
    [['route', 'remove', 'nobody@b.example'], 1, 'No route for nobody@b.example'],
  ])('refuses %j', async (argv, code, message) => {
    const run = await cli(world, ...argv);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(world.secrets.values.size).toBe(0);
  });
});

describe('mailroom domain', () => {
  let world: World;
  beforeEach(async () => {
    world = newWorld();
    await world.tenants.createTenant('acme');
    await world.tenants.createTenant('globex');
  });

  it('adds a domain through outbound’s use case: a tagged SES identity and the DNS records', async () => {
    const run = await cli(world, 'domain', 'add', 'acme', 'Mail.Acme.Example', '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      domain: 'mail.acme.example',
      status: 'pending',
      records: expect.arrayContaining([
        { type: 'CNAME', name: 't1._domainkey.mail.acme.example', value: 't1.dkim.amazonses.com' },
        { type: 'TXT', name: '_dmarc.mail.acme.example', value: 'v=DMARC1; p=none;' },
      ]),
    });
    expect(world.identities.identities.get('mail.acme.example')?.tags).toMatchObject({
      'mailroom:stage': 'local',
    });
    const list = await cli(world, 'domain', 'list', 'acme');
    expect(list.stdout).toMatch(/mail\.acme\.example\s+pending/);
  });

  it('refuses another tenant’s domain and an unknown tenant', async () => {
    await cli(world, 'domain', 'add', 'acme', 'acme.example');
    const taken = await cli(world, 'domain', 'add', 'globex', 'acme.example');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('acme.example');
    const unknown = await cli(world, 'domain', 'add', 'nobody', 'n.example');
    expect(unknown.stderr).toBe('mailroom: Tenant nobody not found');
    expect((await cli(world, 'domain', 'add', 'acme', 'not a domain')).code).toBe(2);
  });

  it('verify reads the status from SES and records it', async () => {
    await cli(world, 'domain', 'add', 'acme', 'acme.example');
    world.identities.verify('acme.example');
    const run = await cli(world, 'domain', 'verify', 'acme.example', '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      domain: 'acme.example',
      tenantId: 'acme',
      status: 'verified',
      dkimStatus: 'success',
    });
    expect(await world.domains.get('acme', 'acme.example')).toMatchObject({ status: 'verified' });
  });

  it('verify fails with the AWS error, keeping the stored status', async () => {
    await cli(world, 'domain', 'add', 'acme', 'acme.example');
    world.identities.failGet = Object.assign(new Error('Rate exceeded'), {
      name: 'TooManyRequestsException',
      $metadata: {},
    });
    const run = await cli(world, 'domain', 'verify', 'acme.example');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('mailroom: AWS refused it: TooManyRequestsException: Rate exceeded');
    expect(await world.domains.get('acme', 'acme.example')).toMatchObject({ status: 'pending' });
  });

  it('verify marks a domain whose SES identity is gone as failed, and refuses an unclaimed domain', async () => {
    await cli(world, 'domain', 'add', 'acme', 'acme.example');
    await world.identities.remove('acme.example');
    const run = await cli(world, 'domain', 'verify', 'acme.example');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('acme.example (acme): failed — SES has no identity for it');
    const unclaimed = await cli(world, 'domain', 'verify', 'other.example');
    expect(unclaimed.code).toBe(1);
    expect(unclaimed.stderr).toBe('mailroom: No tenant holds other.example');
  });
});
