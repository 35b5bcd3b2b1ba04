import type { ProviderName } from './providers/port';

/**
 * Which provider sends a message: the one the request names, else the tenant's, else the platform's
 * default (`MAILROOM_PROVIDER`). The one rule both sides use: accept, to check the rules of the provider
 * that will send (a 400 before the 202), and send, to pick it.
 */
export const chooseProvider = (
  requested: ProviderName | undefined,
  tenantProvider: ProviderName | undefined,
  defaultProvider: ProviderName,
): ProviderName => requested ?? tenantProvider ?? defaultProvider;
