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

export interface AcceptDeps extends MessageCheckDeps {
  messages: MessageStore;
  /** 403 SENDER.DOMAIN_NOT_VERIFIED unless `from` is in a verified domain of the tenant (domains/sender-check.ts). */
  checkSender: SenderCheck;
  enqueue(message: SendQueueMessage): Promise<void>;
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
  await checkMessage(tenantId, request, deps);
  const now = (deps.now ?? (() => new Date()))();
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
  await deps.enqueue(queued);
  await deps.messages.markEnqueued(id);
  return { id, status: 'queued' };
}
