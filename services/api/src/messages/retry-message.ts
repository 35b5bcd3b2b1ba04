import {
  MessageNotRetryableError,
  NotFoundError,
  type MessageStatus,
  type SendQueueMessage,
} from '@mailroom/core';
import type { MessagesApiDeps } from './deps';

/** What a tenant may send again (docs/contract.md): every other status is a 409. */
export const RETRYABLE_STATUSES = [
  'failed',
  'dropped',
  'deferred',
] as const satisfies readonly MessageStatus[];

const notRetryable = (id: string, why: string) =>
  new MessageNotRetryableError(`message ${id} cannot be retried: ${why}`, {
    details: [{ path: 'status', message: why }],
  });

/**
 * `POST /v1/messages/{id}/retry` (docs/message-retry.md): sends `failed`, `dropped` or `deferred` mail again,
 * exactly as it was first asked for, as a fresh attempt.
 * 1. The message moves back to `queued` under a new attempt id (`retryId`) with a `retried` timeline event,
 *    in one conditional write: of two concurrent retries one wins, the other is a 409.
 * 2. The stored request goes on the send queue with that `retryId`. The send function keys the dedupe lock
 *    on it, and sends only the copy of the message's current attempt: a late copy of an earlier attempt is
 *    consumed without sending.
 * If the queue refuses the request, the message goes back to its status (nothing will send it) and the
 * answer is a 500; the tenant can retry again. Another tenant's id is a 404, exactly like an absent one.
 */
export async function retryMessage(
  tenantId: string,
  id: string,
  deps: MessagesApiDeps,
): Promise<{ id: string; status: 'queued'; retryId: string }> {
  const message = await deps.messages.get(id);
  if (!message || message.tenantId !== tenantId) throw new NotFoundError(`no message ${id}`);
  const was = message.status;
  if (!(RETRYABLE_STATUSES as readonly string[]).includes(was)) {
    throw notRetryable(id, `it is ${was}; only failed, dropped or deferred mail can be retried`);
  }
  const stored = await deps.requests.get(tenantId, id);
  if (!stored) throw notRetryable(id, 'its request is no longer stored (past the retention period)');
  const retryId = deps.newId();
  const moved = await deps.messages.transition(id, tenantId, {
    status: 'queued',
    retryId,
    onlyFrom: RETRYABLE_STATUSES,
    event: { type: 'retried', provider: null, data: { retryId, after: was } },
  });
  if (!moved) throw notRetryable(id, `it is no longer ${was} (retried or changed a moment ago)`);
  try {
    await deps.enqueue({ ...requestOf(stored), retryId });
  } catch (err) {
    // Should this write fail too, the mail stays `queued` and the outbound sweeper puts it on the queue.
    await deps.messages
      .transition(id, tenantId, {
        status: was,
        onlyFrom: ['queued'],
        event: {
          type: 'retry_failed',
          provider: null,
          data: { retryId, reason: 'the send queue refused it' },
        },
      })
      .catch(() => false);
    throw err;
  }
  return { id, status: 'queued', retryId };
}

/** The stored request without the fields Mailroom sets on queue copies: what was asked, nothing more. */
const requestOf = ({
  shareSlotAt: _slot,
  attemptsUsed: _used,
  retryId: _retry,
  ...request
}: SendQueueMessage): SendQueueMessage => request;
