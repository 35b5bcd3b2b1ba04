import { createHash } from 'node:crypto';
import {
  ConflictError,
  newId,
  type MessageStore,
  type SendMailRequest,
  type SendQueueMessage,
} from '@mailroom/core';
import type { SenderCheck } from './domains/sender-check';
import { checkMessage, type MessageCheckDeps } from './check-message';
import type { ProviderName } from './providers/port';
import { unitsOf, type SharePlacement } from './rate/tenant-share';

export interface AcceptDeps extends MessageCheckDeps {
  messages: MessageStore;
  /** 403 SENDER.DOMAIN_NOT_VERIFIED unless `from` is in a verified domain of the tenant (domains/sender-check.ts). */
  checkSender: SenderCheck;
  enqueue(message: SendQueueMessage, delaySeconds?: number): Promise<void>;
  /**
   * Reserves the mail's slot in its tenant's share of the send budget (rate/tenant-share.ts): throws
   * RateLimitedError (429 with Retry-After) for a tenant over its own `sendRate`. Absent: no shares.
   */
  tenantShare?(
    tenantId: string,
    provider: ProviderName,
    units: number,
    now: number,
  ): Promise<SharePlacement | undefined>;
  /** Keeps the full request (S3) before it is enqueued: what a retry or redrive re-sends. */
  storeRequest(message: SendQueueMessage): Promise<void>;
  now?: () => Date;
}

export interface AcceptInput {
  tenantId: string;
  request: SendMailRequest;
  idempotencyKey?: string;
}

/** Stable JSON (keys sorted) so the same body hashes the same whatever its key order or spacing. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const bodyHash = (request: SendMailRequest) =>
  createHash('sha256').update(canonical(request)).digest('hex');

const recipients = (r: SendMailRequest) =>
  [...r.to, ...(r.cc ?? []), ...(r.bcc ?? [])].map((a) => (typeof a === 'string' ? a : a.email));

/**
 * `POST /v1/messages`: record the message `queued`, then enqueue it. With an idempotency key the
 * same key and body give back the first answer, another body is a 409. The record is written
 * before the enqueue, and a replay re-enqueues a message whose first enqueue never finished,
 * so an answered 202 always means the mail is on its way (the send side's lock absorbs any
 * double enqueue). The full request is stored before it is enqueued, so it can be re-sent later.
 */
export async function acceptMessage(
  input: AcceptInput,
  deps: AcceptDeps,
): Promise<{ id: string; status: 'queued' }> {
  const { tenantId, request, idempotencyKey } = input;
  await deps.checkSender(tenantId, request.from); // before anything is recorded or queued
  const provider = await checkMessage(tenantId, request, deps);
  const now = (deps.now ?? (() => new Date()))();
  // Before anything is recorded: a tenant over its send rate gets 429 and nothing is queued.
  const placement = await deps.tenantShare?.(tenantId, provider, unitsOf(request), now.getTime());
  const hash = bodyHash(request);
  const fresh = newId();
  const created = await deps.messages.create(
    {
      id: fresh,
      tenantId,
      createdAt: now.toISOString(),
      from: request.from,
      to: request.to,
      subject: request.subject,
      recipients: recipients(request),
      ...(request.provider && { provider: request.provider }),
      ...(idempotencyKey !== undefined && { idempotencyKey }),
      ...(request.tags && { tags: request.tags }),
      ...(request.metadata && { metadata: request.metadata }),
    },
    idempotencyKey === undefined ? undefined : { key: idempotencyKey, bodyHash: hash },
  );

  let id = fresh;
  if (!created.created) {
    if (created.existing.bodyHash !== hash) {
      throw new ConflictError('this Idempotency-Key was already used with a different body');
    }
    id = created.existing.messageId;
    const existing = await deps.messages.get(id);
    if (existing?.enqueuedAt) return { id, status: 'queued' };
  }
  const queued: SendQueueMessage = {
    ...request,
    tenantId,
    id,
    version: 1,
    ...(idempotencyKey !== undefined && { idempotencyKey }),
  };
  await deps.storeRequest(queued);
  // The share's slot rides on the queue body, and the record stays out of sight until then.
  await deps.enqueue(
    placement ? { ...queued, shareSlotAt: placement.shareSlotAt } : queued,
    placement?.delaySeconds,
  );
  await deps.messages.markEnqueued(id);
  return { id, status: 'queued' };
}
