import {
  assertMessageSize,
  assertProviderRules,
  ValidationError,
  type ErrorDetail,
  type SendMailRequest,
} from '@mailroom/core';
import { chooseProvider } from './provider-choice';
import type { ProviderName } from './providers/port';

/** What `checkMessage` needs besides the request. */
export interface MessageCheckDeps {
  /** Size in bytes of an uploaded attachment the tenant owns, or undefined when there is none. */
  attachmentSize(tenantId: string, key: string): Promise<number | undefined>;
  /** The tenant's own provider setting, if it has one. */
  tenantProvider(tenantId: string): Promise<ProviderName | undefined>;
  /** `MAILROOM_PROVIDER`. */
  defaultProvider: ProviderName;
}

/**
 * What only the HTTP side can check before answering 202: uploaded attachments exist and belong to the
 * tenant (400); the rules of the provider that will send hold (400); the whole message, uploads and MIME
 * overhead included, fits that provider's size limit (413). Returns that provider.
 */
export async function checkMessage(
  tenantId: string,
  request: SendMailRequest,
  deps: MessageCheckDeps,
): Promise<ProviderName> {
  const sizes = new Map<string, number>();
  const [tenantProvider, ...found] = await Promise.all([
    // The tenant's setting matters only when the request names no provider.
    request.provider === undefined ? deps.tenantProvider(tenantId) : undefined,
    ...(request.attachments ?? []).map(async (attachment, i): Promise<ErrorDetail | undefined> => {
      if (attachment.key === undefined) return undefined;
      const size = attachment.key.startsWith(`${tenantId}/`)
        ? await deps.attachmentSize(tenantId, attachment.key)
        : undefined;
      if (size !== undefined) {
        sizes.set(attachment.key, size);
        return undefined;
      }
      return {
        path: `attachments[${i}].key`,
        message: 'no uploaded attachment with this key for this tenant',
      };
    }),
  ]);
  const problems = found.filter((p): p is ErrorDetail => p !== undefined);
  if (problems.length) throw new ValidationError('unknown attachment key', { details: problems });
  const provider = chooseProvider(request.provider, tenantProvider, deps.defaultProvider);
  assertProviderRules(request, provider);
  assertMessageSize(request, { attachmentSize: (key) => sizes.get(key), provider });
  return provider;
}
