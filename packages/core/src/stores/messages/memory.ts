import { newId } from '../../ids';
import { isoTime, positionId, untilBound } from '../inbound/items';
import type { InMemoryCounters } from '../counters/memory';
import type { MessageStatus } from '../../schemas';
import {
  IDEMPOTENCY_TTL_SECONDS,
  type IdempotencyRecord,
  type JoinedWrite,
  type MessageEvent,
  type MessageFilter,
  type MessagePage,
  type MessageRecord,
  type MessageStore,
  type NewMessage,
  type TimelineEntry,
  timelineEntryId,
  type Transition,
  UNSENT_STATUSES,
  type UnsentMessage,
} from './port';

/** A joined write an in-memory adapter can run: checked first, applied only if every check passed. */
export interface InMemoryWrite {
  check(): boolean;
  apply(): void;
}

const isInMemoryWrite = (w: JoinedWrite): w is InMemoryWrite =>
  typeof (w as InMemoryWrite)?.check === 'function' && typeof (w as InMemoryWrite)?.apply === 'function';

/**
 * MessageStore in memory, for use-case tests without emulators. Same behaviour as DynamoMessageStore:
 * status and timeline change together, idempotency claims expire after 48 h, joined writes (from
 * InMemoryDedupeLock.completion) commit with the transition or not at all. Records are copied in and
 * out, as a database would.
 */
export class InMemoryMessageStore implements MessageStore {
  private readonly messages = new Map<string, MessageRecord>();
  private readonly timelines = new Map<string, { sk: string; event: MessageEvent }[]>();
  private readonly claims = new Map<string, IdempotencyRecord & { expiresAt: number }>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    /** Where recorded mail is counted as `queued` (as DynamoMessageStore does on the same table). */
    private readonly counters?: InMemoryCounters,
  ) {}

  async create(
    message: NewMessage,
    idempotency?: { key: string; bodyHash: string },
  ): Promise<{ created: true } | { created: false; existing: IdempotencyRecord }> {
    const nowMs = this.now().getTime();
    const claimKey = idempotency && `${message.tenantId}#${idempotency.key}`;
    const claim = claimKey === undefined ? undefined : this.claims.get(claimKey);
    if (claim && claim.expiresAt > Math.floor(nowMs / 1000)) {
      return { created: false, existing: { messageId: claim.messageId, bodyHash: claim.bodyHash } };
    }
    if (this.messages.has(message.id)) throw new Error(`message ${message.id} already exists`);
    if (claimKey !== undefined && idempotency) {
      this.claims.set(claimKey, {
        messageId: message.id,
        bodyHash: idempotency.bodyHash,
        expiresAt: Math.floor(nowMs / 1000) + IDEMPOTENCY_TTL_SECONDS,
      });
    }
    this.record(message);
    return { created: true };
  }

  async ensure(message: NewMessage): Promise<void> {
    if (!this.messages.has(message.id)) this.record(message);
  }

  async markEnqueued(id: string): Promise<void> {
    const found = this.messages.get(id);
    if (found && found.enqueuedAt === undefined) found.enqueuedAt = this.now().toISOString();
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const found = this.messages.get(id);
    return found && structuredClone(found);
  }

  async findByProviderMessageId(
    provider: string,
    providerMessageId: string,
  ): Promise<MessageRecord | undefined> {
    for (const message of this.messages.values()) {
      if (message.provider === provider && message.providerMessageId === providerMessageId) {
        return structuredClone(message);
      }
    }
    return undefined;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, MessageRecord>> {
    const found = new Map<string, MessageRecord>();
    for (const id of ids) {
      const record = this.messages.get(id);
      if (record) found.set(id, structuredClone(record));
    }
    return found;
  }

  async getWithEvents(id: string): Promise<{ message: MessageRecord; events: MessageEvent[] } | undefined> {
    const message = await this.get(id);
    if (!message) return undefined;
    const events = [...(this.timelines.get(id) ?? [])]
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
      .map((e) => structuredClone(e.event));
    return { message, events };
  }

  async transition(
    id: string,
    _tenantId: string,
    change: Transition,
    alongside: JoinedWrite[] = [],
  ): Promise<boolean> {
    const found = this.messages.get(id);
    if (!found) throw new Error(`no message ${id}`);
    if (change.onlyFrom && !change.onlyFrom.includes(found.status)) return false;
    const joined = alongside.map((w) => {
      if (!isInMemoryWrite(w)) throw new TypeError('InMemoryMessageStore joins only in-memory writes');
      return w;
    });
    if (!joined.every((w) => w.check())) return false;
    joined.forEach((w) => w.apply());
    const at = change.event.at ?? this.now().toISOString();
    found.status = change.status;
    found.updatedAt = at;
    if (change.provider !== undefined) found.provider = change.provider;
    if (change.providerMessageId !== undefined) found.providerMessageId = change.providerMessageId;
    if (change.lastError !== undefined) found.lastError = change.lastError;
    if (change.countAttempt) found.attempts += 1;
    if (change.requeuedAt !== undefined) found.requeuedAt = change.requeuedAt;
    if (change.retryId !== undefined) found.retryId = change.retryId;
    this.addEvent(id, { ...change.event, at, provider: change.event.provider ?? null });
    return true;
  }

  async advanceStatus(
    id: string,
    _tenantId: string,
    { status, at, onlyFrom }: { status: MessageStatus; at: string; onlyFrom: readonly MessageStatus[] },
  ): Promise<boolean> {
    const found = this.messages.get(id);
    if (!found) throw new Error(`no message ${id}`);
    if (!onlyFrom.includes(found.status)) return false;
    found.status = status;
    found.updatedAt = at;
    return true;
  }

  async appendEvent(id: string, event: Omit<MessageEvent, 'at'> & { at?: string }): Promise<void> {
    this.addEvent(id, { ...event, at: event.at ?? this.now().toISOString() });
  }

  async appendEvents(entries: readonly TimelineEntry[]): Promise<void> {
    for (const { messageId, event } of entries) this.addEvent(messageId, event);
  }

  async listUnsent({
    createdBefore,
    limit,
  }: {
    createdBefore: string;
    limit: number;
  }): Promise<UnsentMessage[]> {
    const unsent = new Set<string>(UNSENT_STATUSES);
    return [...this.messages.values()]
      .filter((m) => unsent.has(m.status) && m.createdAt < createdBefore)
      .sort((a, b) => (`${a.createdAt}#${a.id}` < `${b.createdAt}#${b.id}` ? -1 : 1))
      .slice(0, limit)
      .map(({ id, tenantId, status, createdAt, updatedAt, enqueuedAt, requeuedAt }) => ({
        id,
        tenantId,
        status,
        createdAt,
        updatedAt,
        ...(enqueuedAt !== undefined && { enqueuedAt }),
        ...(requeuedAt !== undefined && { requeuedAt }),
      }));
  }

  async list(
    tenantId: string,
    filter: MessageFilter,
    { limit, after }: { limit: number; after?: string },
  ): Promise<MessagePage> {
    if (after !== undefined) positionId(after);
    const since = filter.since === undefined ? undefined : isoTime(filter.since, 'since');
    const until = filter.until === undefined ? undefined : untilBound(isoTime(filter.until, 'until'));
    const recipient = filter.recipient?.toLowerCase();
    const at = (m: MessageRecord) => `${m.createdAt}#${m.id}`;
    const matching = [...this.messages.values()]
      .filter(
        (m) =>
          m.tenantId === tenantId &&
          (filter.status === undefined || m.status === filter.status) &&
          (recipient === undefined || m.recipients.some((r) => r.toLowerCase() === recipient)) &&
          (since === undefined || at(m) >= since) &&
          (until === undefined || at(m) <= until) &&
          (after === undefined || at(m) < after),
      )
      .sort((a, b) => (at(a) < at(b) ? 1 : -1));
    const items = matching.slice(0, limit).map((m) => structuredClone(m));
    const lastItem = items[items.length - 1];
    return matching.length > limit && lastItem ? { items, last: at(lastItem) } : { items };
  }

  private record(message: NewMessage): void {
    const at = this.now().toISOString();
    this.messages.set(message.id, {
      ...structuredClone(message),
      status: 'queued',
      attempts: 0,
      updatedAt: at,
    });
    this.addEvent(message.id, { type: 'queued', at, provider: null, data: {} });
    this.counters?.bump(message.tenantId, message.createdAt.slice(0, 13), 'queued');
  }

  private addEvent(id: string, event: MessageEvent): void {
    const sk = `${event.at}#${timelineEntryId(event, newId)}`;
    const list = (this.timelines.get(id) ?? []).filter((entry) => entry.sk !== sk);
    list.push({ sk, event: structuredClone(event) });
    this.timelines.set(id, list);
  }
}
