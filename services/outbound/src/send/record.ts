import type { SendQueueMessage, Transition } from '@mailroom/core';
import type { ProviderName } from '../providers/port';
import { lockKeyOf, type SendDeps } from './deps';
import { persist } from './persist';
import type { TenantError } from './tenant-error';

interface Held {
  message: SendQueueMessage;
  /** The lock's owner token (from acquire). */
  owner: string;
}

/**
 * Writes a final transition and completes the lock with `result` — in one transaction when the lock can
 * join one — retrying throttled writes (persist.ts). `completed: false`: our lease was taken over while
 * we worked; the transition is still recorded, since what it says did happen, and the lock stays the
 * successor's.
 */
async function settle(
  deps: SendDeps,
  { message, owner }: Held,
  change: Transition,
  result: Record<string, unknown>,
  what: string,
): Promise<boolean> {
  const { messages, lock } = deps;
  const key = lockKeyOf(message);
  const completed = await persist(
    async () => {
      const joint = lock.completion?.(key, result, owner);
      if (!joint) return lock.complete(key, result, owner);
      const done = await messages.transition(message.id, message.tenantId, change, [joint.item]);
      joint.settle(done);
      return done;
    },
    deps,
    what,
  );
  if (!completed || !lock.completion) {
    if (!completed)
      deps.logger.warn('lease lost before completing the lock', { messageId: message.id, what });
    await persist(() => messages.transition(message.id, message.tenantId, change), deps, what);
  }
  return completed;
}

/**
 * The provider has the mail: record `sent` and complete the lock. Nothing here releases the lock. Should
 * DynamoDB refuse the write for longer than the retry budget (or the process die), the record comes back,
 * waits out the lease and sends once more — the one duplicate the README's "How a mail is sent exactly
 * once" names. `warning`: the provider accepted without a message id (PROVIDER.NO_MESSAGE_ID).
 */
export async function recordSent(
  deps: SendDeps,
  held: Held & { provider: ProviderName; providerMessageId?: string; warning?: TenantError },
): Promise<void> {
  const { provider, providerMessageId, warning } = held;
  const id = providerMessageId ?? null;
  await settle(
    deps,
    held,
    {
      status: 'sent',
      provider,
      ...(providerMessageId !== undefined && { providerMessageId }),
      lastError: warning ? `${warning.code}: ${warning.message}` : null,
      event: {
        type: 'sent',
        provider,
        data: { providerMessageId: id, ...(warning && { code: warning.code, warning: warning.message }) },
      },
    },
    { provider, providerMessageId: id },
    'record sent',
  ).catch((err: unknown) => {
    // The one place a duplicate can come from: say so, with what the provider answered.
    deps.logger.error(
      'the provider accepted the mail but recording it failed; a redelivery will send it again',
      {
        messageId: held.message.id,
        provider,
        providerMessageId: id,
        err,
      },
    );
    throw err;
  });
}

/**
 * A final verdict that was not a send (`failed` for good, `suppressed`): recorded together with a
 * completed lock, so a duplicate delivery of the record — SQS delivers at least once — is consumed
 * without another attempt, and cannot slip in between the verdict and a lock release. A retry by hand
 * (the API) takes the lock back before it re-enqueues.
 */
export async function recordVerdict(
  deps: SendDeps,
  held: Held,
  change: Transition,
  error?: TenantError,
): Promise<void> {
  await settle(
    deps,
    held,
    change,
    { outcome: change.status, ...(error && { code: error.code }) },
    `record ${change.status}`,
  );
}
