import { cli, newWorld, type World } from '../support/memory';

describe('mailroom tenant', () => {
  let world: World;
  beforeEach(() => {
    world = newWorld();
  });

  it('creates, lists and shows tenants', async () => {
    expect((await cli(world, 'tenant', 'create', 'acme')).stdout).toBe('created tenant acme');
    await cli(world, 'tenant', 'create', 'globex', '--name', 'Globex');
    const list = await cli(world, 'tenant', 'list', '--json');
    expect(list.json().items.map((t: { tenantId: string }) => t.tenantId)).toEqual(['acme', 'globex']);
    expect((await cli(world, 'tenant', 'list')).stdout).toMatch(/^TENANT\s+PROVIDER.*\nacme\s+-/);
    const show = await cli(world, 'tenant', 'show', 'globex');
    expect(show.stdout).toContain('name:');
    expect(show.stdout).toContain('Globex');
  });

  it('refuses a duplicate or malformed tenant id with exit code 1', async () => {
    await cli(world, 'tenant', 'create', 'acme');
    const dup = await cli(world, 'tenant', 'create', 'acme');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('mailroom: Tenant acme already exists');
    const bad = await cli(world, 'tenant', 'create', 'Acme_Inc');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid tenant id');
  });

  it('updates provider and send rate', async () => {
    await cli(world, 'tenant', 'create', 'acme');
    const run = await cli(
      world,
      'tenant',
      'update',
      'acme',
      '--provider',
      'sendgrid',
      '--send-rate',
      '2.5',
      '--json',
    );
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ tenantId: 'acme', provider: 'sendgrid', sendRate: 2.5 });
    expect(world.secrets.values.size).toBe(0);
  });

  it('stores the tenant’s own SendGrid key (from --key-value) before switching the tenant to it', async () => {
    await cli(world, 'tenant', 'create', 'acme');
    const run = await cli(
      world,
      'tenant',
      'update',
      'acme',
      '--sendgrid-key',
      'tenant',
      '--key-value',
      'SG.acme-own',
    );
    expect(run.code).toBe(0);
    expect(world.secrets.values.get('/mailroom/local/tenants/acme/sendgrid-api-key')).toBe('SG.acme-own');
    expect(await world.tenants.getTenant('acme')).toMatchObject({ sendgridKey: 'tenant' });
    expect(run.stdout).not.toContain('SG.acme-own');
  });

  it('reads the SendGrid key from stdin, under the --stage name', async () => {
    await cli(world, 'tenant', 'create', 'acme');
    world.stdin = 'SG.from-stdin';
    const run = await cli(world, 'tenant', 'update', 'acme', '--sendgrid-key', 'tenant', '--stage', 'prod');
    expect(run.code).toBe(0);
    expect(world.secrets.values.get('/mailroom/prod/tenants/acme/sendgrid-api-key')).toBe('SG.from-stdin');
  });

  it('refuses an empty SendGrid key, and stores nothing for an unknown tenant', async () => {
    await cli(world, 'tenant', 'create', 'acme');
    const empty = await cli(world, 'tenant', 'update', 'acme', '--sendgrid-key', 'tenant');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('the SendGrid key is empty');
    const unknown = await cli(
      world,
      'tenant',
      'update',
      'nobody',
      '--sendgrid-key',
      'tenant',
      '--key-value',
      'SG.x',
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('mailroom: Tenant nobody not found');
    expect(world.secrets.values.size).toBe(0);
    expect(await world.tenants.getTenant('acme')).not.toHaveProperty('sendgridKey');
  });

  it('refuses --key-value without --sendgrid-key tenant', async () => {
    await cli(world, 'tenant', 'create', 'acme');
    const run = await cli(world, 'tenant', 'update', 'acme', '--key-value', 'SG.x');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--key-value goes with --sendgrid-key tenant');
  });
});

describe('mailroom key', () => {
  let world: World;
  beforeEach(async () => {
    world = newWorld();
    await world.tenants.createTenant('acme');
  });

  it('creates a key with scopes and an allowlist, prints it once, and the key authenticates', async () => {
    const run = await cli(
      world,
      'key',
      'create',
      'acme',
      '--scopes',
      'send,read',
      '--allow-ip',
      '203.0.113.0/24,2001:db8::/32,198.51.100.7',
      '--json',
    );
    expect(run.code).toBe(0);
    const created = run.json();
    expect(created).toMatchObject({
      tenantId: 'acme',
      scopes: ['send', 'read'],
      allowIps: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32'],
    });
    await expect(world.tenants.authenticate(created.key)).resolves.toMatchObject({ keyId: created.keyId });
    const list = await cli(world, 'key', 'list', 'acme');
    expect(list.stdout).toContain(created.keyId);
    expect(list.stdout).toContain('203.0.113.0/24,2001:db8::/32,198.51.100.7/32');
    expect(list.stdout).not.toContain(created.key);
  });

  it('prints the key in text mode with a warning that it is shown once', async () => {
    const run = await cli(world, 'key', 'create', 'acme', '--scopes', 'admin');
    expect(run.stdout).toMatch(
      /^created key acme_\w+ for acme \(scopes admin\)\nkey: mr_[\w-]{43}\nStore it now/,
    );
  });

  it.each([
    [['--allow-ip', '10.0.0.0/33'], 1, '"10.0.0.0/33" is not an IPv4 or IPv6 CIDR block'],
    [['--allow-ip', 'fe80::/200'], 1, 'is not an IPv4 or IPv6 CIDR block'],
    [['--allow-ip', ','], 2, '--allow-ip needs at least one CIDR block'],
    [[], 2, '--scopes is required'],
    [['--scopes', 'send,root'], 2, 'unknown scope "root"'],
  ])('refuses %j and creates nothing', async (flags, code, message) => {
    const argv = flags.includes('--scopes') ? flags : ['--scopes', 'send', ...flags];
    const run = await cli(world, 'key', 'create', 'acme', ...(flags.length === 0 ? [] : argv));
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(await world.tenants.listKeys('acme')).toEqual([]);
  });

  it('refuses a key for an unknown tenant', async () => {
    const run = await cli(world, 'key', 'create', 'nobody', '--scopes', 'send');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('mailroom: Tenant nobody not found');
    expect((await cli(world, 'key', 'list', 'nobody')).stderr).toBe('mailroom: Tenant nobody not found');
  });

  it('lists when each key was last used, and nothing for a key never used', async () => {
    const used = await world.tenants.createApiKey('acme', ['read']);
    const idle = await world.tenants.createApiKey('acme', ['send']);
    await world.tenants.recordKeyUse(used.key, new Date('2026-12-03T12:34:56.000Z'), 60_000);
    const json = await cli(world, 'key', 'list', 'acme', '--json');
    expect(json.json().items).toEqual([
      expect.objectContaining({ keyId: used.keyId, lastUsedAt: '2026-12-03T12:34:56.000Z' }),
      expect.not.objectContaining({ lastUsedAt: expect.anything() }),
    ]);
    const text = (await cli(world, 'key', 'list', 'acme')).stdout.split('\n');
    expect(text[0]).toContain('LAST USED');
    expect(text.find((l) => l.includes(used.keyId))).toContain('2026-12-03T12:34:56.000Z');
    expect(text.find((l) => l.includes(idle.keyId))).not.toContain('2026-12-03T12:34');
  });

  it('revokes a key by its id: it stops authenticating', async () => {
    const { keyId, key } = await world.tenants.createApiKey('acme', ['send']);
    const run = await cli(world, 'key', 'revoke', keyId, '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ keyId, revokedAt: expect.any(String) });
    await expect(world.tenants.authenticate(key)).resolves.toBeNull();
    const unknown = await cli(world, 'key', 'revoke', 'acme_01JUNKJUNKJUNKJUNKJUNKJUNK');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not found');
  });
});
