import type {
  CounterCounts,
  CounterDelta,
  Counters,
  EventCounter,
  MessageEvent,
  MessageRecord,
  MessageStatus,
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
 * Messages looked up by the provider's id, messages' status writes, and groups of timeline entries
 * written, at once (each kind its own limit). Enough to overlap the round trips of a batch's many
 * messages, few enough not to burst one table from one container.
 */
const CONCURRENCY = 16;

/**
 * Timeline entries per appendEvents call: one BatchWriteItem's worth, so that a write that fails fails
 * only the lake objects whose entries it held.
 */
const APPEND_GROUP = 25;

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

/** One lake object's events, `batchId` its name (`<bucket>/<key>`). */
export interface TrackBatch {
  batchId: string;
  events: readonly MailEvent[];
}

/** How one batch fared: every one of its events applied and counted, or an error (it is tried again whole). */
export type TrackOutcome = { ok: true; result: TrackResult } | { ok: false; error: unknown };

/** A batch as the fold goes: its own events (once each), what it holds, its answer. */
interface BatchState {
  batchId: string;
  events: MailEvent[];
  held: Found[];
  result: TrackResult;
  error?: unknown;
}

/** An event, the batch it came in and its message. */
interface Found {
  batch: BatchState;
  event: MailEvent;
  message: MessageRecord;
}

/**
 * The fold (docs/events.md) of one batch: `trackBatches` with that batch alone; throws (so the batch is
 * retried whole) when a store fails.
 */
export async function trackEvents(
  deps: TrackDeps,
  batchId: string,
  batch: readonly MailEvent[],
): Promise<TrackResult> {
  const [outcome] = await trackBatches(deps, [{ batchId, events: batch }]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.result;
}

/**
 * The fold (docs/events.md): applies the batches of normalised events a tracker invocation read (one
 * per lake object) to messages, counters and suppression lists, folding every batch's events of one
 * message into one status write. Duplicates are dropped by event id, each claimed by one batch; each
 * event's message is found by Mailroom's id, else the provider's; the status only moves up the
 * precedence; counters get one write per tenant-hour and batch; hard bounces, complaints and global
 * unsubscribes are suppressed. Unknown messages are skipped and counted, never errors.
 *
 * Answers each batch's outcome, in order. A batch fails when a store fails on any write that holds one
 * of its events (such a write may hold other batches' events too: they fail with it), and its counters
 * and suppressions are then not written; a failed batch is retried whole, and re-applying what it had
 * applied changes nothing (its claims are its own, its counters carry its marker, timeline entries are
 * keyed by event id, statuses only move up). Batches with the same id are one batch.
 */
export async function trackBatches(deps: TrackDeps, batches: readonly TrackBatch[]): Promise<TrackOutcome[]> {
  const states = new Map<string, BatchState>();
  for (const { batchId, events } of batches) {
    let state = states.get(batchId);
    if (!state) {
      state = { batchId, events: [], held: [], result: emptyResult() };
      states.set(batchId, state);
    }
    const ids = new Set(state.events.map((e) => e.eventId));
    for (const event of events) {
      if (ids.has(event.eventId)) state.result.duplicates += 1;
      else {
        ids.add(event.eventId);
        state.events.push(event);
      }
    }
  }
  const all = [...states.values()];
  try {
    await fold(deps, all);
  } catch (error) {
    // A read every batch needed (their messages) failed: all are tried again.
    for (const state of all) state.error ??= error;
  }
  return batches.map(({ batchId }) => {
    const state = states.get(batchId)!;
    return state.error === undefined ? { ok: true, result: state.result } : { ok: false, error: state.error };
  });
}

async function fold(deps: TrackDeps, states: BatchState[]): Promise<void> {
  const fail = (error: unknown, of: Iterable<BatchState>) => {
    for (const state of of) state.error ??= error;
  };
  const live = () => states.filter((s) => s.error === undefined);

  // Every batch's messages in one read (by Mailroom's id), the rest by the provider's id.
  const lookup = messageLookup(
    deps.messages,
    await deps.messages.getMany(
      states.flatMap((s) => s.events.flatMap((e) => (e.messageId ? [e.messageId] : []))),
    ),
  );
  const pairs = states.flatMap((batch) => batch.events.map((event) => ({ batch, event })));
  const messages = await mapConcurrently(pairs, CONCURRENCY, async ({ batch, event }) => {
    try {
      return await lookup(event);
    } catch (error) {
      fail(error, [batch]);
      return undefined;
    }
  });
  // In the batches' order, whatever order the lookups ended in: ties in time keep it below.
  const found: Found[] = [];
  pairs.forEach(({ batch, event }, i) => {
    const message = messages[i];
    if (message) found.push({ batch, event, message });
    else if (batch.error === undefined) batch.result.unknown += 1;
  });

  // Each batch claims its own events (an event in two batches goes to one); a batch's claim failing fails it.
  await Promise.all(
    live().map(async (batch) => {
      const mine = found.filter((f) => f.batch === batch);
      try {
        const held = await deps.seen.claim(
          mine.map((f) => f.event.eventId),
          batch.batchId,
        );
        batch.held = mine.filter((f) => held.has(f.event.eventId));
        batch.result.duplicates += mine.length - batch.held.length;
      } catch (error) {
        fail(error, [batch]);
      }
    }),
  );

  // One run per message over all the batches, in the order things happened.
  const runs = new Map<string, Found[]>();
  for (const batch of live()) {
    for (const f of batch.held) {
      const run = runs.get(f.message.id);
      if (run) run.push(f);
      else runs.set(f.message.id, [f]);
    }
  }
  for (const run of runs.values())
    run.sort((a, b) => (a.event.at < b.event.at ? -1 : a.event.at > b.event.at ? 1 : 0));

  // Every entry first, in shared timeline writes; then each message's status moves at most once, to the
  // highest its run reaches. Entries before statuses: the status never shows what the timeline lacks.
  const unwritten = await append(deps.messages, [...runs.values()].flat(), fail);
  const moves = [...runs.values()].flatMap((run) => {
    const target = statusTarget(run);
    return target ? [{ run, target }] : [];
  });
  await mapConcurrently(moves, CONCURRENCY, async ({ run, target }) => {
    // A run whose status write failed, or could not be made, fails every batch with an event in it:
    // had the status moved, any of them might have moved it.
    const batches = run.map((f) => f.batch);
    if (unwritten.has(target)) return fail(unwritten.get(target), batches);
    try {
      if (await move(deps.messages, target)) target.batch.result.statusChanges += 1;
    } catch (error) {
      fail(error, batches);
    }
  });
  for (const batch of live()) batch.result.applied = batch.held.length;

  await Promise.all(
    live().map(async (batch) => {
      const counts = new Map<string, CounterDelta>();
      for (const { event, message } of batch.held) count(counts, message.tenantId, event);
      try {
        await deps.counters.add(batch.batchId, [...counts.values()]);
      } catch (error) {
        fail(error, [batch]);
      }
    }),
  );

  const suppress = new Map<
    string,
    { tenantId: string; email: string; reason: string; batches: Set<BatchState> }
  >();
  for (const batch of live()) {
    for (const { event, message } of batch.held) {
      const reason = suppressionReason(event);
      if (!reason || !event.recipient) continue;
      const key = `${message.tenantId}#${event.recipient}`;
      const entry = suppress.get(key) ?? {
        tenantId: message.tenantId,
        email: event.recipient,
        reason,
        batches: new Set(),
      };
      entry.batches.add(batch);
      suppress.set(key, entry);
    }
  }
  for (const { tenantId, email, reason, batches } of suppress.values()) {
    try {
      await deps.suppressions.suppress(tenantId, email, reason);
      for (const batch of batches) batch.result.suppressed += 1;
    } catch (error) {
      fail(error, batches);
    }
  }
}

/**
 * Writes timeline entries in groups, a failed group failing the batches whose entries it held; answers
 * the entries not written, with their error.
 */
async function append(
  messages: MessageStore,
  entries: readonly Found[],
  fail: (error: unknown, of: Iterable<BatchState>) => void,
): Promise<Map<Found, unknown>> {
  const unwritten = new Map<Found, unknown>();
  const groups: Found[][] = [];
  for (let i = 0; i < entries.length; i += APPEND_GROUP) groups.push(entries.slice(i, i + APPEND_GROUP));
  await mapConcurrently(groups, CONCURRENCY, async (group) => {
    try {
      await messages.appendEvents(
        group.map((f) => ({ messageId: f.message.id, event: timelineEntry(f.event) })),
      );
    } catch (error) {
      for (const f of group) unwritten.set(f, error);
      fail(
        error,
        group.map((f) => f.batch),
      );
    }
  });
  return unwritten;
}

/**
 * The event of a message's run (in time order) that sets its status: the first to reach the run's
 * highest rank, if that outranks the message's status now. Later events of that rank would not move it
 * (only a strictly higher rank does), earlier lower ones would be overtaken within the run.
 */
function statusTarget(run: readonly Found[]): Found | undefined {
  let best: { found: Found; status: MessageStatus } | undefined;
  for (const found of run) {
    const status = statusOfEvent(found.event.type);
    if (status && (best === undefined || supersedes(status, best.status))) best = { found, status };
  }
  return best && supersedes(best.status, best.found.message.status) ? best.found : undefined;
}

const emptyResult = (): TrackResult => ({
  applied: 0,
  duplicates: 0,
  unknown: 0,
  statusChanges: 0,
  suppressed: 0,
});

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
 * Moves the status to the event's (its entry written already) in one write whose condition is the
 * precedence itself, so a racing tracker cannot step the status back; false (nothing written) when the
 * status is already as high.
 */
async function move(messages: MessageStore, { event, message }: Found): Promise<boolean> {
  const status = statusOfEvent(event.type)!;
  return messages.advanceStatus(message.id, message.tenantId, {
    status,
    at: event.at,
    onlyFrom: replaceableBy(status),
  });
}

function timelineEntry(event: MailEvent): MessageEvent {
  return { type: event.type, at: event.at, provider: event.provider, data: timelineData(event) };
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
