import { createHash, randomBytes } from 'node:crypto';
import { ForbiddenError } from '../../errors';
import type { ApiScope } from '../../schemas/common';

/** Who is calling: the result of TenantStore.authenticate. */
export interface Principal {
  tenantId: string;
  keyId: string;
  scopes: ApiScope[];
  /** The key's IP allowlist (CIDR blocks), when it has one: requests from elsewhere must be refused. */
  allowIps?: string[];
}

/**
 * Keys are stored as their SHA-256 only. A plain fast hash is enough: generated keys carry 256 bits of
 * randomness, so there is nothing to brute-force, and lookups stay one GetItem. (The fixed dev keys are
 * weak on purpose and exist only in the local cloud.)
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** `mr_` + 32 random bytes, base64url: recognisable in logs and secret scanners, URL/header safe. */
export const generateApiKey = (): string => `mr_${randomBytes(32).toString('base64url')}`;

/**
 * Scopes are independent — `admin` does not imply `read` or `send` — so a key does exactly what it lists.
 * Throws ForbiddenError (403) when the scope is missing.
 */
export const requireScope = (principal: Principal, scope: ApiScope): void => {
  if (!principal.scopes.includes(scope)) {
    throw new ForbiddenError(`This API key lacks the "${scope}" scope`);
  }
};
