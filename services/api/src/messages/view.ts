import type { MessageRecord } from '@mailroom/core';

/**
 * A message as the API shows it (docs/contract.md, `GET /v1/messages/{id}` without `events`): the detail
 * adds the timeline, a list item is this alone.
 */
export const messageView = (message: MessageRecord) => ({
  id: message.id,
  tenantId: message.tenantId,
  status: message.status,
  from: message.from,
  to: message.to,
  subject: message.subject,
  provider: message.provider ?? null,
  providerMessageId: message.providerMessageId ?? null,
  attempts: message.attempts,
  lastError: message.lastError ?? null,
  createdAt: message.createdAt,
  updatedAt: message.updatedAt,
});

export type MessageView = ReturnType<typeof messageView>;
