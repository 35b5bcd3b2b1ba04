import type { MessageStatus, SendMailRequest } from '../../schemas';

/**
 * A timeline entry (docs/contract.md, `events[]` of `GET /v1/messages/{id}`). An entry whose
 * `data.eventId` is a string (a provider event, as the tracker writes it) is kept once per message and
 * event id: writing it again replaces it, so a redelivered event leaves one entry.
 */
export interface MessageEvent {
  type: string;
  at: string;
  provider: string | null;
  data: Record<string, unknown>;
}

/** A timeline entry of one message, for writes that cover many messages (MessageStore.appendEvents). */
export interface TimelineEntry {
  messageId: string;
  event: MessageEvent;
}

/** What follows an entry's time in its key: `E#<eventId>` for a provider event, else a new id. */
export const timelineEntryId = (event: MessageEvent, fresh: () => string): string =>
  typeof event.data.eventId === 'string' ? `E#${event.data.eventId}` : fresh();

/** What is known about a message when it is first recorded. */
export interface NewMessage {
  id: string;
  tenantId: string;
  createdAt: string;
  from: SendMailRequest['from'];
  to: SendMailRequest['to'];
  subject: string;
  /** Every to/cc/bcc address, for the by-recipient index. */
  recipients: string[];
  provider?: string;
  idempotencyKey?: string;
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export interface MessageRecord extends NewMessage {
  status: MessageStatus;
  attempts: number;
  providerMessageId?: string;
  lastError?: string | null;
  updatedAt: string;
  enqueuedAt?: string;
  /** When the unsent-mail sweeper last put it back on the queue (it does so once, then gives up). */
  requeuedAt?: string;
  /**
   * The current send attempt's id after a retry (`POST /v1/messages/{id}/retry`); absent until the first
   * retry. Only a queue copy carrying the same `retryId` may send (docs/message-retry.md).
   */
  retryId?: string;
}

/** Mail not yet handed to a provider for good: `queued` or `sending` (listUnsent). */
export const UNSENT_STATUSES = ['queued', 'sending'] as const satisfies readonly MessageStatus[];

export type UnsentMessage = Pick<
  MessageRecord,
  'id' | 'tenantId' | 'status' | 'createdAt' | 'updatedAt' | 'enqueuedAt' | 'requeuedAt'
>;

/** What `list` filters on; every field optional. */
export interface MessageFilter {
  status?: MessageStatus;
  /** A to/cc/bcc address, exact, lower-cased. */
  recipient?: string;
  /** ISO timestamps bounding createdAt, inclusive. */
  since?: string;
  until?: string;
}

export interface MessagePage {
  items: MessageRecord[];
  /** Position after the last item when more may follow (opaque to callers, pass back as `after`). */
  last?: string;
}

export interface IdempotencyRecord {
  messageId: string;
  bodyHash: string;
}

export interface Transition {
  status: MessageStatus;
  event: Omit<MessageEvent, 'at'> & { at?: string };
  provider?: string;
  providerMessageId?: string;
  lastError?: string | null;
  countAttempt?: boolean;
  /** Only if the message is in one of these statuses now; otherwise nothing is written (returns false). */
  onlyFrom?: readonly MessageStatus[];
  requeuedAt?: string;
  /** Starts a fresh send attempt under this id (a retry); see MessageRecord.retryId. */
  retryId?: string;
}

/**
 * A write of another store's that must commit together with a transition or not at all (a dedupe lock's
 * completion, see JoinableCompletion). Opaque here: only an adapter of the same backend can run it.
 */
export type JoinedWrite = unknown;

/**
 * Messages, their recipients and timelines. Every status change appends its timeline event in the same
 * atomic write, so the two never disagree; `advanceStatus` alone leaves the event to a write made before. Implementations: DynamoMessageStore (`@mailroom/core/aws`),
 * InMemoryMessageStore (`@mailroom/core/testing`), with the same behaviour.
 */
export interface MessageStore {
  /**
   * Records a new `queued` message. With an idempotency key, the key is claimed in the same write; when
   * it is already taken (and not expired), returns the existing claim and writes nothing.
   */
  create(
    message: NewMessage,
    idempotency?: { key: string; bodyHash: string },
  ): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }>;
  /** Records a message that arrived on the queue without going through the HTTP API; no-op if present. */
  ensure(message: NewMessage): Promise<void>;
  /** Notes that the message is on the send queue (a replay of the request need not enqueue it again). */
  markEnqueued(id: string): Promise<void>;
  get(id: string): Promise<MessageRecord | undefined>;
  /**
   * Many messages by id, in as few reads as the store allows (DynamoDB: one BatchGetItem per 100 ids);
   * ids that name no message are left out of the answer.
   */
  getMany(ids: readonly string[]): Promise<Map<string, MessageRecord>>;
  /**
   * The message a provider knows by `providerMessageId` (recorded with `sent`): how provider events
   * that do not carry Mailroom's id find their message.
   */
  findByProviderMessageId(provider: string, providerMessageId: string): Promise<MessageRecord | undefined>;
  /** The message and its timeline, oldest event first. */
  getWithEvents(id: string): Promise<{ message: MessageRecord; events: MessageEvent[] } | undefined>;
  /**
   * Moves a message to a new status and appends the event, atomically. `alongside` are writes of the
   * caller's that join the same atomic write: returns false, having written nothing, when one of their
   * conditions failed, or when the message is not in one of `change.onlyFrom`. Throws when the message
   * does not exist.
   */
  transition(id: string, tenantId: string, change: Transition, alongside?: JoinedWrite[]): Promise<boolean>;
  /**
   * Moves a message to `status` (`at` its new `updatedAt`) without writing a timeline event: for a caller
   * that has written the event's entry already (appendEvents), so that the status never shows what the
   * timeline lacks, at the price of two writes where `transition` makes one atomic write (the tracker,
   * docs/events.md). Returns false, having written nothing, when the message is not in one of
   * `onlyFrom`; throws when it does not exist.
   */
  advanceStatus(
    id: string,
    tenantId: string,
    change: { status: MessageStatus; at: string; onlyFrom: readonly MessageStatus[] },
  ): Promise<boolean>;
  /** Adds a timeline event without changing the status (a provider event already there is replaced). */
  appendEvent(id: string, event: Omit<MessageEvent, 'at'> & { at?: string }): Promise<void>;
  /**
   * Adds timeline events of any messages without changing their statuses, in as few writes as the store
   * allows (DynamoDB: one BatchWriteItem per 25 entries). Not atomic across entries: when it throws, some
   * may have been written, and writing them again is harmless (a provider event is replaced).
   */
  appendEvents(entries: readonly TimelineEntry[]): Promise<void>;
  /**
   * Every tenant's `queued` and `sending` mail created before `createdBefore` (ISO), oldest first, at
   * most `limit`: what the sweeper looks at so that no mail stays unsent without anyone noticing.
   */
  listUnsent(options: { createdBefore: string; limit: number }): Promise<UnsentMessage[]>;
  /**
   * The tenant's mail, newest first by creation (ties by id), matching the filter; at most `limit` items.
   * `after` is a `last` from an earlier page. A page may hold fewer than `limit` items and still have a
   * `last` (a filtered DynamoDB listing stops after a bounded number of reads): page until `last` is absent.
   */
  list(
    tenantId: string,
    filter: MessageFilter,
    page: { limit: number; after?: string },
  ): Promise<MessagePage>;
}

/** Idempotency records outlive the contract's 24 hours with margin. */
export const IDEMPOTENCY_TTL_SECONDS = 48 * 3600;
