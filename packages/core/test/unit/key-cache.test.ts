import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { KeyCacheEnvSchema, parseEnv, ConfigError, type ApiScope } from '../../src';
import { CachedKeyAuthenticator, cachedKeys, httpStack, LAST_USED_INTERVAL_MS } from '../../src/http';
import { InMemoryTenantStore, invokeHttp } from '../../src/testing';

/** Lets fire-and-forget work (the lastUsedAt write) settle: the in-memory store answers at once. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CachedKeyAuthenticator', () => {
  // A clock the tests move; far from 0, which the cache would read as "never set".
  let t: number;
  const now = () => t;
  let tenants: InMemoryTenantStore;
  let warn: jest.Mock;
  let keys: CachedKeyAuthenticator;
  const TTL_MS = 5_000;

  beforeEach(async () => {
    t = Date.parse('2026-12-03T12:00:00.000Z');
    tenants = new InMemoryTenantStore(() => new Date(t));
    await tenants.createTenant('acme');
    await tenants.createTenant('globex');
    warn = jest.fn();
    keys = new CachedKeyAuthenticator(tenants, { ttlMs: TTL_MS, now, logger: { warn } });
  });

  it('answers a key again from memory within the TTL, with one store lookup', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    const lookups = jest.spyOn(tenants, 'authenticate');
    for (let i = 0; i < 20; i += 1) {
      await expect(keys.authenticate(key)).resolves.toEqual({ tenantId: 'acme', keyId, scopes: ['read'] });
      t += 200;
    }
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('refuses a revoked key once the TTL has passed since it was last read, and not before', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
    await tenants.revokeKey('acme', keyId);
    t += TTL_MS;
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId }); // still within the TTL
    t += 1;
    await expect(keys.authenticate(key)).resolves.toBeNull();
    t += 60_000;
    await expect(keys.authenticate(key)).resolves.toBeNull();
  });

  it('remembers a refusal only briefly: a key registered after it works a second later', async () => {
    const chosen = 'key-registered-later';
    const lookups = jest.spyOn(tenants, 'authenticate');
    await expect(keys.authenticate(chosen)).resolves.toBeNull();
    await expect(keys.authenticate(chosen)).resolves.toBeNull();
    expect(lookups).toHaveBeenCalledTimes(1);
    const { keyId } = await tenants.createApiKey('acme', ['send'], { key: chosen });
    t += 1_001;
    await expect(keys.authenticate(chosen)).resolves.toMatchObject({ keyId, scopes: ['send'] });
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('never answers one key with another key’s principal', async () => {
    const a = await tenants.createApiKey('acme', ['send']);
    const b = await tenants.createApiKey('acme', ['read']);
    const g = await tenants.createApiKey('globex', ['admin']);
    for (let round = 0; round < 3; round += 1) {
      const answers = await Promise.all([a, b, g, a, g, b].map(({ key }) => keys.authenticate(key)));
      expect(answers.map((p) => [p?.tenantId, p?.keyId, p?.scopes])).toEqual([
        ['acme', a.keyId, ['send']],
        ['acme', b.keyId, ['read']],
        ['globex', g.keyId, ['admin']],
        ['acme', a.keyId, ['send']],
        ['globex', g.keyId, ['admin']],
        ['acme', b.keyId, ['read']],
      ]);
      await expect(keys.authenticate(`${a.key}x`)).resolves.toBeNull();
      t += 3_000; // the second round from memory, the third after a fresh lookup
    }
  });

  it('shares one lookup between concurrent requests with the same key', async () => {
    const { key } = await tenants.createApiKey('acme', ['read']);
    const lookups = jest.spyOn(tenants, 'authenticate');
    const answers = await Promise.all(Array.from({ length: 32 }, () => keys.authenticate(key)));
    expect(answers.every((p) => p?.tenantId === 'acme')).toBe(true);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('does not remember a failed lookup: the request fails, the next one asks again', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    jest.spyOn(tenants, 'authenticate').mockRejectedValueOnce(new Error('DynamoDB unavailable'));
    await expect(keys.authenticate(key)).rejects.toThrow('DynamoDB unavailable');
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
  });

  it('keeps what a caller does to its principal away from the next request', async () => {
    const { key } = await tenants.createApiKey('acme', ['read'], { allowIps: ['192.0.2.0/24'] });
    const first = await keys.authenticate(key);
    first!.scopes.push('admin' as ApiScope);
    first!.allowIps!.push('0.0.0.0/0');
    first!.tenantId = 'globex';
    await expect(keys.authenticate(key)).resolves.toMatchObject({
      tenantId: 'acme',
      scopes: ['read'],
      allowIps: ['192.0.2.0/24'],
    });
  });

  it('writes lastUsedAt once a minute per key, not once per request', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    const other = await tenants.createApiKey('acme', ['send']);
    const writes = jest.spyOn(tenants, 'recordKeyUse');
    const start = new Date(t).toISOString();
    for (let i = 0; i < 120; i += 1) {
      await keys.authenticate(key); // one request every half second, for a minute
      await settle();
      t += 500;
    }
    expect(writes).toHaveBeenCalledTimes(1);
    const listed = async () => Object.fromEntries((await tenants.listKeys('acme')).map((k) => [k.keyId, k]));
    expect((await listed())[keyId]?.lastUsedAt).toBe(start);
    expect((await listed())[other.keyId]?.lastUsedAt).toBeUndefined();
    t += 1; // 60.001 s after the first use
    await keys.authenticate(key);
    await settle();
    expect(writes).toHaveBeenCalledTimes(2);
    expect((await listed())[keyId]?.lastUsedAt).toBe(new Date(t).toISOString());
    expect(LAST_USED_INTERVAL_MS).toBe(60_000);
  });

  it('writes no lastUsedAt for a revoked or unknown key', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    await tenants.revokeKey('acme', keyId);
    const writes = jest.spyOn(tenants, 'recordKeyUse');
    await expect(keys.authenticate(key)).resolves.toBeNull();
    await expect(keys.authenticate('no-such-key-at-all')).resolves.toBeNull();
    await settle();
    expect(writes).not.toHaveBeenCalled();
  });

  it('answers the request when the lastUsedAt write fails, logs it, and tries again a minute later', async () => {
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    const writes = jest
      .spyOn(tenants, 'recordKeyUse')
      .mockRejectedValueOnce(
        Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }),
      );
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
    await settle();
    expect(warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ keyId }));
    expect(JSON.stringify(warn.mock.calls)).not.toContain(key);
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
    expect(writes).toHaveBeenCalledTimes(1);
    t += LAST_USED_INTERVAL_MS + 1;
    await keys.authenticate(key);
    await settle();
    expect(writes).toHaveBeenCalledTimes(2);
    expect((await tenants.listKeys('acme'))[0]?.lastUsedAt).toBe(new Date(t).toISOString());
  });

  it('refuses an empty key without a lookup, and a TTL that is not positive', async () => {
    const lookups = jest.spyOn(tenants, 'authenticate');
    await expect(keys.authenticate('')).resolves.toBeNull();
    expect(lookups).not.toHaveBeenCalled();
    expect(() => new CachedKeyAuthenticator(tenants, { ttlMs: 0, logger: { warn } })).toThrow(RangeError);
  });
});

describe('MAILROOM_KEY_CACHE_SECONDS', () => {
  it('defaults to 5 s and takes whole seconds from 1 to 60', () => {
    expect(parseEnv(KeyCacheEnvSchema, {})).toEqual({ MAILROOM_KEY_CACHE_SECONDS: 5 });
    expect(parseEnv(KeyCacheEnvSchema, { MAILROOM_KEY_CACHE_SECONDS: '2' })).toEqual({
      MAILROOM_KEY_CACHE_SECONDS: 2,
    });
    for (const bad of ['0', '61', '1.5', 'soon']) {
      expect(() => parseEnv(KeyCacheEnvSchema, { MAILROOM_KEY_CACHE_SECONDS: bad })).toThrow(ConfigError);
    }
  });

  it('sets the TTL of cachedKeys', async () => {
    let t = Date.parse('2026-12-03T12:00:00.000Z');
    const tenants = new InMemoryTenantStore();
    await tenants.createTenant('acme');
    const { key, keyId } = await tenants.createApiKey('acme', ['read']);
    const env = parseEnv(KeyCacheEnvSchema, { MAILROOM_KEY_CACHE_SECONDS: '2' });
    const keys = cachedKeys(tenants, env, { warn: jest.fn() }, () => t);
    await keys.authenticate(key);
    await tenants.revokeKey('acme', keyId);
    t += 2_000;
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId });
    t += 1;
    await expect(keys.authenticate(key)).resolves.toBeNull();
  });
});

describe('scopes through the cache and the HTTP stack', () => {
  const tenants = new InMemoryTenantStore();
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const keys = new CachedKeyAuthenticator(tenants, { ttlMs: 5_000, logger });
  const route = httpStack({ logger, metrics, keys: () => keys });
  const handlers = Object.fromEntries(
    (['send', 'read', 'admin'] as const).map((scope) => [
      scope,
      invokeHttp(route({ scope }, async ({ principal }) => ({ status: 200, body: principal }))),
    ]),
  );
  const call = (scope: ApiScope, key: string) =>
    handlers[scope]!({
      rawPath: '/v1/things',
      requestContext: { http: { method: 'GET' } },
      headers: { authorization: `Bearer ${key}` },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);

  beforeAll(async () => {
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    await tenants.createTenant('acme');
  });

  it('lets each scope through only for a key that lists it: none implies another', async () => {
    const byScope = {
      send: (await tenants.createApiKey('acme', ['send'])).key,
      read: (await tenants.createApiKey('acme', ['read'])).key,
      admin: (await tenants.createApiKey('acme', ['admin'])).key,
    };
    for (const [held, key] of Object.entries(byScope)) {
      for (const needed of ['send', 'read', 'admin'] as const) {
        const { statusCode, body } = await call(needed, key);
        expect([held, needed, statusCode]).toEqual([held, needed, held === needed ? 200 : 403]);
        if (statusCode === 403) expect(JSON.parse(body!).error.code).toBe('AUTH.FORBIDDEN');
      }
    }
  });

  it('answers 401 in the contract’s shape for an unknown key, and 200 when the use cannot be recorded', async () => {
    const { key } = await tenants.createApiKey('acme', ['read']);
    jest.spyOn(tenants, 'recordKeyUse').mockRejectedValue(new Error('table unavailable'));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await expect(call('read', key)).resolves.toMatchObject({ statusCode: 200 });
    const refused = await call('read', 'mr_unknown-key');
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body!)).toEqual({
      error: { code: 'AUTH.UNAUTHORIZED', message: expect.any(String) },
    });
  });
});
