import { toProviderError } from '@mailroom/core';
import type { MailProvider, OutgoingMail, ProviderCredentials, SendOptions } from '../providers/port';

/**
 * The provider call. Whatever it throws comes out as one of core's typed provider errors (throttled,
 * unavailable, outcome unknown, rejected, account, the tenant's own key), which is what the failure
 * handling decides on — by code, never by message text.
 */
export async function callProvider(
  provider: MailProvider,
  mail: OutgoingMail,
  credentials: ProviderCredentials | undefined,
  options: SendOptions = {},
): Promise<{ providerMessageId: string }> {
  try {
    return await provider.send(mail, credentials, options);
  } catch (err) {
    throw toProviderError(err, { provider: provider.name, ownKey: credentials?.apiKey !== undefined });
  }
}
