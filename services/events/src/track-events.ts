import type {
  CounterCounts,
  CounterDelta,
  Counters,
  EventCounter,
  MessageRecord,
  MessageStore,
  SeenEvents,
  SuppressionStore,
} from '@mailroom/core';
import { mapConcurrently } from './concurrently';
import type { MailEvent, MailEventType } from './normalize/mail-event';
import { replaceableBy, statusOfEvent, supersedes } from './normalize/status';

export interface TrackDeps {
  messages: MessageStore;
  seen: SeenEvents;
  counters: Counters;
  suppressions: SuppressionStore;
}

export interface TrackResult {
  /** Events applied to their message (status and/or timeline). */
  applied: number;
  /** Events dropped as duplicates: repeated in the batch, or already taken by another batch. */
  duplicates: number;
  /** Events whose message Mailroom does not know (sent by something else, or already expired). */
  unknown: number;
  /** Messages whose status moved. */
  statusChanges: number;
  suppressed: number;
}

/**
 * Messages looked up, and messages' events applied, at once. Each message's events stay in time order
 * (one message at a time per worker); different messages are independent rows. Enough to overlap the
 * round trips of a lake object's many messages, few enough not to burst one table from one container.
 */
const MESSAGE_CONCURRENCY = 16;

const COUNTER_OF: Partial<Record<MailEventType, EventCounter>> = {
  processed: 'sent',
  delivered: 'delivered',
  bounced: 'bounced',
  complained: 'complained',
  opened: 'opened',
  clicked: 'clicked',
  dropped: 'failed',
  rejected: 'failed',
  failed: 'failed',
};

/**
 * The fold (docs/events.md): applies one batch of normalised events (one lake object, `batchId` its key)
 * to messages, counters and suppression lists. Duplicates are dropped by event id; each event's message
 * is found by Mailroom's id, else the provider's; the status only moves up the precedence; counters get
 * one write per tenant-hour; hard bounces, complaints and global unsubscribes are suppressed. Unknown
 * messages are skipped and counted, never errors. Throws (so the batch is retried whole) only when a
 * store fails; a retry re-applies what this batch claimed without counting it twice.
 */
export async function trackEvents(
  deps: TrackDeps,
  batchId: string,
  batch: readonly MailEvent[],
): Promise<TrackResult> {
  const result: TrackResult = { applied: 0, duplicates: 0, unknown: 0, statusChanges: 0, suppressed: 0 };

  const unique = new Map<string, MailEvent>();
  for (const event of batch) {
    if (unique.has(event.eventId)) result.duplicates += 1;
    else unique.set(event.eventId, event);
  }

  const found = new Map<MailEvent, MessageRecord>();
  const events = [...unique.values()];
  const lookup = messageLookup(
    deps.messages,
    await deps.messages.getMany(events.flatMap((e) => (e.messageId ? [e.messageId] : []))),
  );
  const messages = await mapConcurrently(events, MESSAGE_CONCURRENCY, lookup);
  events.forEach((event, i) => {
    const message = messages[i];
    if (message) found.set(event, message);
    else result.unknown += 1;
  });

  const held = await deps.seen.claim(
    [...found.keys()].map((e) => e.eventId),
    batchId,
  );
  // Apply in the order things happened: the timeline reads naturally, and fewer writes lose the race.
  const mine = [...found.entries()]
    .filter(([event]) => held.has(event.eventId))
    .sort(([a], [b]) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  result.duplicates += found.size - mine.length;

  // One run of events per message, in time order, against one record (whose status `apply` keeps current);
  // runs of different messages go at once.
  const runs = new Map<string, { message: MessageRecord; events: MailEvent[] }>();
  for (const [event, message] of mine) {
    const run = runs.get(message.id);
    if (run) run.events.push(event);
    else runs.set(message.id, { message, events: [event] });
  }
  await mapConcurrently([...runs.values()], MESSAGE_CONCURRENCY, async ({ message, events: run }) => {
    for (const event of run) {
      if (await apply(deps.messages, event, message)) result.statusChanges += 1;
      result.applied += 1;
    }
  });

  const counts = new Map<string, CounterDelta>();
  const suppress = new Map<string, { tenantId: string; email: string; reason: string }>();
  for (const [event, message] of mine) {
    count(counts, message.tenantId, event);
    const reason = suppressionReason(event);
    if (reason && event.recipient) {
      suppress.set(`${message.tenantId}#${event.recipient}`, {
        tenantId: message.tenantId,
        email: event.recipient,
        reason,
      });
    }
  }

  await deps.counters.add(batchId, [...counts.values()]);
  for (const { tenantId, email, reason } of suppress.values()) {
    await deps.suppressions.suppress(tenantId, email, reason);
  }
  result.suppressed = suppress.size;
  return result;
}

/**
 * By Mailroom's id, else by the provider's; remembered for the batch (many events share a message).
 * `byId` holds what one batch read found for the events' Mailroom ids: an id it did not find is not
 * read again, only looked up by the provider's id.
 */
function messageLookup(messages: MessageStore, byId: Map<string, MessageRecord>) {
  const cache = new Map<string, Promise<MessageRecord | undefined>>();
  const once = (key: string, load: () => Promise<MessageRecord | undefined>) => {
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = load()));
    return hit;
  };
  return async (event: MailEvent): Promise<MessageRecord | undefined> => {
    const mine = event.messageId ? byId.get(event.messageId) : undefined;
    if (mine) return mine;
    if (!event.providerMessageId) return undefined;
    const pmid = event.providerMessageId;
    return once(`pmid#${event.provider}#${pmid}`, () =>
      messages.findByProviderMessageId(event.provider, pmid),
    );
  };
}

/**
 * Appends the event to the message's timeline, moving the status when the event's outranks it. The
 * write's condition is the precedence itself, so a racing tracker cannot step the status back; the
 * remembered record is updated so later events of the batch compare against the new status.
 */
async function apply(messages: MessageStore, event: MailEvent, message: MessageRecord): Promise<boolean> {
  const timeline = {
    type: event.type,
    at: event.at,
    provider: event.provider,
    data: timelineData(event),
  };
  const status = statusOfEvent(event.type);
  if (status && supersedes(status, message.status)) {
    const moved = await messages.transition(message.id, message.tenantId, {
      status,
      event: timeline,
      onlyFrom: replaceableBy(status),
    });
    if (moved) {
      message.status = status;
      return true;
    }
  }
  await messages.appendEvent(message.id, timeline);
  return false;
}

function timelineData(event: MailEvent): Record<string, unknown> {
  return {
    eventId: event.eventId,
    ...(event.recipient !== undefined && { recipient: event.recipient }),
    ...(event.reason !== undefined && { reason: event.reason }),
    ...(event.bounce !== undefined && { bounce: event.bounce }),
    ...(event.url !== undefined && { url: event.url }),
    ...(event.group !== undefined && { group: event.group }),
  };
}

function count(counts: Map<string, CounterDelta>, tenantId: string, event: MailEvent): void {
  const name = COUNTER_OF[event.type];
  if (!name) return;
  const hour = event.at.slice(0, 13);
  const key = `${tenantId}#${hour}`;
  const delta = counts.get(key) ?? { tenantId, hour, counts: {} as CounterCounts };
  delta.counts[name] = (delta.counts[name] ?? 0) + 1;
  counts.set(key, delta);
}

/** Hard bounces, complaints and unsubscribes from everything: the tenant must not mail the address again. */
function suppressionReason(event: MailEvent): string | undefined {
  if (event.type === 'bounced' && event.bounce?.type === 'hard') return 'bounce';
  if (event.type === 'complained') return 'complaint';
  if (event.type === 'unsubscribed' && event.group === undefined) return 'unsubscribe';
  return undefined;
}
