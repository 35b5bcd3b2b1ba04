import { Cursors, newId, type MessageStatus, type SendQueueMessage } from '@mailroom/core';
import { InMemoryMessageStore, InMemoryRequestStore, queueMessage } from '@mailroom/core/testing';
import type { MessagesApiDeps } from '../../src/messages/deps';
import { CURSOR_KEY } from './inbound';

export type TestMessagesDeps = MessagesApiDeps & {
  messages: InMemoryMessageStore;
  requests: InMemoryRequestStore;
  /** What would have gone on the send queue. */
  enqueued: SendQueueMessage[];
};

/** The /v1/messages list and retry use cases' deps, in memory. */
export function messagesTestDeps(): TestMessagesDeps {
  const enqueued: SendQueueMessage[] = [];
  return {
    messages: new InMemoryMessageStore(),
    requests: new InMemoryRequestStore(),
    cursors: new Cursors(async () => CURSOR_KEY),
    enqueue: async (message) => void enqueued.push(message),
    enqueued,
    newId: () => newId(),
  };
}

/**
 * A mail as outbound leaves it: its request stored, the message recorded and moved to `status`.
 * `createdAt` orders listings; recipients are to/cc/bcc.
 */
export async function storedMessage(
  deps: Pick<TestMessagesDeps, 'messages' | 'requests'>,
  options: {
    tenantId?: string;
    status?: MessageStatus;
    createdAt?: string;
    request?: Partial<SendQueueMessage>;
  } = {},
): Promise<SendQueueMessage> {
  const { tenantId = 'acme', status = 'queued', createdAt = new Date().toISOString() } = options;
  const request = queueMessage({ tenantId, ...options.request });
  await deps.requests.put(request);
  const recipients = [...request.to, ...(request.cc ?? []), ...(request.bcc ?? [])].map((a) =>
    typeof a === 'string' ? a : a.email,
  );
  await deps.messages.create({
    id: request.id,
    tenantId,
    createdAt,
    from: request.from,
    to: request.to,
    subject: request.subject,
    recipients,
  });
  if (status !== 'queued') {
    await deps.messages.transition(request.id, tenantId, {
      status,
      lastError: status === 'failed' ? 'PROVIDER.REJECTED: no' : null,
      event: { type: status, provider: 'ses', data: {} },
    });
  }
  return request;
}
