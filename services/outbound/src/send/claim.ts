import type { NewMessage, SendQueueMessage } from '@mailroom/core';
import { bodyHash } from '../accept-message';
import { recipientsOf } from '../outgoing-mail';
import type { ProviderName } from '../providers/port';
import type { SendDeps, SendOutcome } from './deps';

export const newMessageOf = (
  m: SendQueueMessage,
  provider: ProviderName | undefined,
  createdAt: Date,
): NewMessage => ({
  id: m.id,
  tenantId: m.tenantId,
  createdAt: createdAt.toISOString(),
  from: m.from,
  to: m.to,
  subject: m.subject,
  recipients: recipientsOf(m),
  ...(provider !== undefined && { provider }),
  ...(m.idempotencyKey !== undefined && { idempotencyKey: m.idempotencyKey }),
  ...(m.tags !== undefined && { tags: m.tags }),
  ...(m.metadata !== undefined && { metadata: m.metadata }),
});

/** What the queue message asked for, without the queue's own fields: hashed as accept hashes a body. */
const requestHashOf = ({
  tenantId: _t,
  id: _i,
  version: _v,
  idempotencyKey: _k,
  ...request
}: SendQueueMessage) => bodyHash(request);

export type Claim =
  /** The message is recorded and this record is its own. */
  | { kind: 'own' }
  /** The idempotency key already belongs to another message with the same request: that one is the mail. */
  | { kind: 'duplicate'; of: string }
  /** The idempotency key belongs to another message with a different request. */
  | { kind: 'conflict'; of: string }
  /** The message is recorded under another attempt (a retry's `retryId`): this copy is an earlier one's. */
  | { kind: 'stale'; current: string | undefined };

/**
 * Makes sure the message is recorded, as accept records it, before anything is sent. Mail accepted over
 * HTTP already is (one read). A record put straight on the queue is stored in full first (what a retry
 * or redrive re-sends), then recorded; with an `idempotencyKey` it claims key → id in the same write,
 * exactly as accept does, so two records with one key (within the key's 48 hours) send once.
 */
export async function claimMessage(
  message: SendQueueMessage,
  provider: ProviderName,
  deps: Pick<SendDeps, 'messages' | 'requests' | 'now'>,
): Promise<Claim> {
  const { messages } = deps;
  const recorded = await messages.get(message.id);
  if (recorded) {
    // A copy of an attempt a retry has replaced (a redelivery, a DLQ redrive) must not send.
    return recorded.retryId === message.retryId
      ? { kind: 'own' }
      : { kind: 'stale', current: recorded.retryId };
  }
  await deps.requests.put(message);
  const fresh = newMessageOf(message, provider, new Date((deps.now ?? Date.now)()));
  if (message.idempotencyKey === undefined) {
    await messages.ensure(fresh);
    return { kind: 'own' };
  }
  const hash = requestHashOf(message);
  const created = await messages.create(fresh, { key: message.idempotencyKey, bodyHash: hash });
  if (created.created || created.existing.messageId === message.id) return { kind: 'own' };
  const other = created.existing.messageId;
  return created.existing.bodyHash === hash
    ? { kind: 'duplicate', of: other }
    : { kind: 'conflict', of: other };
}

/**
 * A record whose idempotency key another message holds with a different request: the queue cannot answer
 * 409 as the HTTP API does, so the message is recorded `rejected` with that reason, visible to its tenant.
 */
export async function rejectConflict(
  message: SendQueueMessage,
  other: string,
  deps: Pick<SendDeps, 'messages' | 'logger' | 'now'>,
): Promise<SendOutcome> {
  const code = 'REQUEST.IDEMPOTENCY_CONFLICT';
  const reason = `the idempotencyKey is already used by message ${other} with a different request`;
  deps.logger.warn('rejected a send record whose idempotency key is taken', { messageId: message.id, other });
  await deps.messages.ensure(newMessageOf(message, undefined, new Date((deps.now ?? Date.now)())));
  await deps.messages.transition(message.id, message.tenantId, {
    status: 'rejected',
    lastError: `${code}: ${reason}`,
    onlyFrom: ['queued'],
    event: { type: 'rejected', provider: null, data: { code, reason } },
  });
  return 'rejected';
}

/**
 * A record for a tenant that does not exist is consumed, and its message recorded `rejected`
 * (`TENANT.UNKNOWN`) under the tenant id the record names: the id is findable by an operator (the
 * messages table, the log line, the `UnknownTenantRecords` metric), no real tenant can read it, and a
 * tenant created later under that id (a backend that ran ahead of provisioning) sees why its mail
 * was not sent and can retry it — the request is stored like any other.
 */
export async function rejectUnknownTenant(
  message: SendQueueMessage,
  deps: Pick<SendDeps, 'messages' | 'requests' | 'logger' | 'count' | 'now'>,
): Promise<SendOutcome> {
  const code = 'TENANT.UNKNOWN';
  deps.logger.warn('rejected a send record for an unknown tenant', {
    tenantId: message.tenantId,
    id: message.id,
  });
  deps.count('UnknownTenantRecords');
  await deps.requests.put(message);
  await deps.messages.ensure(newMessageOf(message, undefined, new Date((deps.now ?? Date.now)())));
  await deps.messages.transition(message.id, message.tenantId, {
    status: 'rejected',
    lastError: `${code}: no tenant ${message.tenantId} exists`,
    onlyFrom: ['queued'],
    event: { type: 'rejected', provider: null, data: { code } },
  });
  return 'rejected';
}
