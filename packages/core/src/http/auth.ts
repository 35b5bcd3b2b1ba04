import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { ApiScope } from '../schemas/common';
import type { Principal } from '../stores/tenants/api-keys';
import { ipAllowed } from './ip-allowlist';
import { header } from './request';

export interface KeyAuthenticator {
  authenticate(key: string): Promise<Principal | null>;
}

/**
 * `Authorization: Bearer <api key>` → the key's tenant and scopes. 401 for a missing or unknown
 * key, 403 when the key lacks the scope the endpoint needs or has an IP allowlist the caller's address
 * (API Gateway's `requestContext.http.sourceIp`) is not in.
 */
export async function authorize(
  event: Pick<APIGatewayProxyEventV2, 'headers'> & {
    requestContext?: { http?: { sourceIp?: string } };
  },
  keys: KeyAuthenticator,
  scope: ApiScope,
): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(event, 'authorization') ?? '');
  if (!match?.[1]) throw new UnauthorizedError('missing API key: send "Authorization: Bearer <key>"');
  const principal = await keys.authenticate(match[1]);
  if (!principal) throw new UnauthorizedError('unknown or revoked API key');
  if (principal.allowIps) {
    const ip = event.requestContext?.http?.sourceIp;
    if (!ipAllowed(ip, principal.allowIps)) {
      throw new ForbiddenError(`this API key may not be used from ${ip ?? 'an unknown address'}`);
    }
  }
  if (!principal.scopes.includes(scope)) {
    throw new ForbiddenError(`this API key lacks the "${scope}" scope`);
  }
  return principal;
}
