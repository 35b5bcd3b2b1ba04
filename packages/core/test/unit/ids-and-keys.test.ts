import {
  ForbiddenError,
  generateApiKey,
  hashApiKey,
  idTime,
  isId,
  newId,
  requireScope,
  tenantIdOfKeyId,
} from '../../src';

describe('newId', () => {
  it('makes ULIDs that carry their time', () => {
    const id = newId(Date.UTC(2026, 0, 1));
    expect(isId(id)).toBe(true);
    expect(id).toHaveLength(26);
    expect(idTime(id)).toBe(Date.UTC(2026, 0, 1));
  });

  it('keeps ids made in the same millisecond in order', () => {
    const now = Date.now();
    const ids = Array.from({ length: 1_000 }, () => newId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('API keys', () => {
  it('hashes a key to its SHA-256 hex', () => {
    // sha256("dev-acme-key"), computed independently with `printf %s dev-acme-key | sha256sum`.
    expect(hashApiKey('dev-acme-key')).toBe(
      '62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c',
    );
    expect(hashApiKey('dev-acme-key')).not.toBe(hashApiKey('dev-globex-key'));
  });

  it('generates distinct mr_ keys with 32 random bytes', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^mr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(3), 'base64url')).toHaveLength(32);
    expect(generateApiKey()).not.toBe(a);
  });

  it('reads the tenant from a key id', () => {
    expect(tenantIdOfKeyId('acme_01JD0000000000000000000000')).toBe('acme');
    expect(tenantIdOfKeyId('my-tenant_01JD0000000000000000000000')).toBe('my-tenant');
    expect(tenantIdOfKeyId('nokeyid')).toBeUndefined();
  });
});

describe('requireScope', () => {
  const principal = { tenantId: 'acme', keyId: 'acme_1', scopes: ['read' as const] };

  it('passes when the scope is granted', () => {
    expect(() => requireScope(principal, 'read')).not.toThrow();
  });

  it('throws ForbiddenError (403) otherwise; admin does not imply the others', () => {
    expect(() => requireScope(principal, 'send')).toThrow(ForbiddenError);
    expect(() => requireScope({ ...principal, scopes: ['admin'] }, 'read')).toThrow(ForbiddenError);
  });
});
