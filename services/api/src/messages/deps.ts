import type { Cursors, MessageStore, RequestStore, SendQueueMessage } from '@mailroom/core';

/** What the `/v1/messages` list and retry use cases need; wiring.ts builds the real ones. */
export interface MessagesApiDeps {
  messages: Pick<MessageStore, 'get' | 'list' | 'transition'>;
  /** The full requests outbound stored when it accepted each mail (read only). */
  requests: Pick<RequestStore, 'get'>;
  cursors: Cursors;
  /** Puts a send queue body on outbound's send queue. */
  enqueue(message: SendQueueMessage): Promise<void>;
  /** A fresh ULID (a retry's attempt id); injected by tests. */
  newId(): string;
}
