import type { MessageStatus } from '@mailroom/core';
import {
  InMemoryCounters,
  InMemoryMessageStore,
  InMemorySeenEvents,
  InMemorySuppressionStore,
} from '@mailroom/core/testing';
import type { MailEvent } from '../../src/normalize/mail-event';
import { normalizeSendGrid } from '../../src/normalize/sendgrid';
import { normalizeSes } from '../../src/normalize/ses';
import { trackBatches, trackEvents } from '../../src/track-events';
import { fixtureJson } from '../support/fixtures';

const TENANT = 'acme';
const HOUR = '2026-12-01T10';

const setup = () => {
  const deps = {
    messages: new InMemoryMessageStore(() => new Date('2026-12-01T09:00:00Z')),
    seen: new InMemorySeenEvents(),
    counters: new InMemoryCounters(),
    suppressions: new InMemorySuppressionStore(),
  };
  const sent = async (
    id: string,
    provider: 'ses' | 'sendgrid',
    providerMessageId: string,
    tenantId = TENANT,
  ) => {
    await deps.messages.create({
      id,
      tenantId,
      createdAt: '2026-12-01T09:00:00.000Z',
      from: 'shop@acme.example',
      to: ['jane@example.com'],
      subject: 'Your order',
      recipients: ['jane@example.com'],
    });
    await deps.messages.transition(id, tenantId, {
      status: 'sent',
      provider,
      providerMessageId,
      event: { type: 'sent', provider, data: {} },
    });
  };
  const status = async (id: string) => (await deps.messages.get(id))!.status;
  const timeline = async (id: string) => (await deps.messages.getWithEvents(id))!.events.map((e) => e.type);
  return { deps, sent, status, timeline };
};

let seq = 0;
const event = (type: MailEvent['type'], overrides: Partial<MailEvent> = {}): MailEvent => ({
  eventId: `ev-${++seq}`,
  provider: 'sendgrid',
  type,
  at: `${HOUR}:${String(seq % 60).padStart(2, '0')}:00.000Z`,
  messageId: 'm1',
  recipient: 'jane@example.com',
  raw: {},
  ...overrides,
});

describe('trackEvents', () => {
  it('moves the status up, keeps every event in the timeline, whatever order they arrive in', async () => {
    const { deps, sent, status, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const delivered = event('delivered', { at: `${HOUR}:00:02.000Z` });
    const processed = event('processed', { at: `${HOUR}:00:01.000Z` });
    await trackEvents(deps, 'b1', [delivered]);
    const late = await trackEvents(deps, 'b2', [processed, event('deferred', { at: `${HOUR}:00:00.500Z` })]);
    expect(await status('m1')).toBe('delivered');
    expect(late).toMatchObject({ applied: 2, statusChanges: 0 });
    expect(await timeline('m1')).toEqual(['queued', 'sent', 'deferred', 'processed', 'delivered']);
  });

  it('lets a bounce or a complaint win over delivered', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2');
    await trackEvents(deps, 'b1', [
      event('delivered'),
      event('bounced', { bounce: { type: 'hard' } }),
      event('delivered', { messageId: 'm2' }),
      event('complained', { messageId: 'm2' }),
    ]);
    expect(await status('m1')).toBe('bounced');
    expect(await status('m2')).toBe('complained');
  });

  it('applies the final status even when a batch lists events out of order', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await trackEvents(deps, 'b1', [
      event('delivered', { at: `${HOUR}:00:05.000Z` }),
      event('processed', { at: `${HOUR}:00:01.000Z` }),
      event('deferred', { at: `${HOUR}:00:03.000Z` }),
    ]);
    expect(await status('m1')).toBe('delivered');
  });

  it('drops duplicates by event id, within a batch and across batches', async () => {
    const { deps, sent, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const open = event('opened');
    const first = await trackEvents(deps, 'b1', [open, open]);
    const again = await trackEvents(deps, 'b2', [open]);
    expect(first).toMatchObject({ applied: 1, duplicates: 1 });
    expect(again).toMatchObject({ applied: 0, duplicates: 1 });
    expect((await timeline('m1')).filter((t) => t === 'opened')).toHaveLength(1);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ opened: 1 });
  });

  it('counts a retried batch once', async () => {
    const { deps, sent } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const batch = [event('delivered'), event('opened'), event('clicked', { url: 'https://acme.example/' })];
    await trackEvents(deps, 'b1', batch);
    await trackEvents(deps, 'b1', batch);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ delivered: 1, opened: 1, clicked: 1 });
  });

  it('reads the batch’s messages in one call, never one read per event', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'pm-1');
    await sent('m2', 'sendgrid', 'pm-2');
    const getMany = jest.spyOn(deps.messages, 'getMany');
    const get = jest.spyOn(deps.messages, 'get');
    const batch = ['m1', 'm2', 'm1', 'm2', 'gone'].map((messageId, i) =>
      event(i < 2 ? 'processed' : 'delivered', { messageId, providerMessageId: undefined }),
    );
    await expect(trackEvents(deps, 'b-many', batch)).resolves.toMatchObject({ applied: 4, unknown: 1 });
    expect(getMany).toHaveBeenCalledTimes(1);
    expect(new Set(getMany.mock.calls[0]![0])).toEqual(new Set(['m1', 'm2', 'gone']));
    expect(get).not.toHaveBeenCalled();
    get.mockRestore();
    expect([await status('m1'), await status('m2')]).toEqual(['delivered', 'delivered']);
  });

  it('finds the message by the provider’s id when the event lacks Mailroom’s', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'LRzXl_NHStOGhQ4kofSm_A');
    await sent('m2', 'ses', 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000');
    const fromSendGrid = normalizeSendGrid({
      email: 'jane@example.com',
      event: 'delivered',
      sg_event_id: 'sg-1',
      sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
      timestamp: 1764583200,
    }).events;
    const fromSes = normalizeSes(fixtureJson('ses-events/event-publishing/delivery.json')).events;
    const result = await trackEvents(deps, 'b1', [...fromSendGrid, ...fromSes]);
    expect(result).toMatchObject({ applied: 2, unknown: 0, statusChanges: 2 });
    expect(await status('m1')).toBe('delivered');
    expect(await status('m2')).toBe('delivered');
  });

  it('does not take an SES id for a SendGrid one', async () => {
    const { deps, sent } = setup();
    await sent('m1', 'ses', 'SAME-ID');
    const result = await trackEvents(deps, 'b1', [
      event('delivered', { messageId: undefined, providerMessageId: 'SAME-ID' }),
    ]);
    expect(result).toMatchObject({ applied: 0, unknown: 1 });
  });

  it('skips and counts events of unknown messages without failing the batch', async () => {
    const { deps, sent } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const result = await trackEvents(deps, 'b1', [
      event('delivered', { messageId: 'nope' }),
      event('delivered', { messageId: undefined, providerMessageId: 'nope' }),
      event('delivered', { messageId: undefined }),
      event('delivered'),
    ]);
    expect(result).toMatchObject({ applied: 1, unknown: 3 });
  });

  it('makes one counter write per tenant-hour per batch', async () => {
    const { deps, sent } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2', 'globex');
    const next = '2026-12-01T11';
    await trackEvents(deps, 'b1', [
      event('processed'),
      event('delivered'),
      event('opened'),
      event('opened'),
      event('dropped'),
      event('delivered', { at: `${next}:05:00.000Z` }),
      event('bounced', { messageId: 'm2', bounce: { type: 'soft' } }),
      event('complained', { messageId: 'm2' }),
      event('deferred', { messageId: 'm2' }),
      event('unsubscribed', { messageId: 'm2' }),
    ]);
    expect(deps.counters.writes).toBe(3);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ sent: 1, delivered: 1, opened: 2, failed: 1 });
    expect(await deps.counters.get(TENANT, next)).toEqual({ delivered: 1 });
    expect(await deps.counters.get('globex', HOUR)).toEqual({ bounced: 1, complained: 1 });
  });

  it('suppresses hard bounces, complaints and global unsubscribes for the message’s tenant only', async () => {
    const { deps, sent } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2', 'globex');
    const result = await trackEvents(deps, 'b1', [
      event('bounced', { recipient: 'hard@example.com', bounce: { type: 'hard' } }),
      event('bounced', { recipient: 'soft@example.com', bounce: { type: 'soft' } }),
      event('complained', { recipient: 'angry@example.com' }),
      event('unsubscribed', { recipient: 'gone@example.com' }),
      event('unsubscribed', { recipient: 'news-only@example.com', group: '10' }),
      event('complained', { messageId: 'm2', recipient: 'other@example.com' }),
    ]);
    expect(result.suppressed).toBe(4);
    const list = await deps.suppressions.suppressed(TENANT, [
      'hard@example.com',
      'soft@example.com',
      'angry@example.com',
      'gone@example.com',
      'news-only@example.com',
      'other@example.com',
    ]);
    expect([...list].sort()).toEqual(['angry@example.com', 'gone@example.com', 'hard@example.com']);
    expect(await deps.suppressions.suppressed('globex', ['other@example.com'])).toEqual(
      new Set(['other@example.com']),
    );
  });

  it('applies every fixture event of both providers to a known message', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'sg_message_id');
    await sent('m2', 'ses', 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000');
    // SendGrid's sample reuses one placeholder id for all 11 events: give each its own.
    const sendGrid = fixtureJson<Record<string, unknown>[]>('sendgrid/events-all-types.json').flatMap(
      (raw, i) => normalizeSendGrid({ ...raw, sg_event_id: `sg-${i}` }).events,
    );
    const ses = ['send', 'delivery', 'delivery-delay', 'open', 'click', 'bounce', 'complaint'].flatMap(
      (name) => normalizeSes(fixtureJson(`ses-events/event-publishing/${name}.json`)).events,
    );
    const result = await trackEvents(deps, 'b1', [...sendGrid, ...ses]);
    expect(result).toMatchObject({ applied: 18, unknown: 0, duplicates: 0 });
    // Every SendGrid sample has the same timestamp; complained outranks everything.
    expect(await status('m1')).toBe<MessageStatus>('complained');
    expect(await status('m2')).toBe<MessageStatus>('complained');
  });
});

describe('trackBatches: one invocation’s lake objects folded together', () => {
  const TRANSIENT = new Error('ProvisionedThroughputExceededException');

  /** m1's four events spread over three objects (as Firehose buffers split them), m2's in one. */
  const spread = () => {
    const [processed, deferred, delivered, opened] = [
      event('processed', { at: `${HOUR}:00:01.000Z` }),
      event('deferred', { at: `${HOUR}:00:02.000Z` }),
      event('delivered', { at: `${HOUR}:00:03.000Z` }),
      event('opened', { at: `${HOUR}:00:04.000Z` }),
    ];
    return [
      { batchId: 'lake/a', events: [processed, event('delivered', { messageId: 'm2' })] },
      { batchId: 'lake/b', events: [deferred, opened] },
      { batchId: 'lake/c', events: [delivered] },
    ];
  };

  it('moves each message’s status once, to the highest its events reach, and writes every event', async () => {
    const { deps, sent, status, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2');
    const advance = jest.spyOn(deps.messages, 'advanceStatus');
    const appendEvents = jest.spyOn(deps.messages, 'appendEvents');
    const getMany = jest.spyOn(deps.messages, 'getMany');

    const outcomes = await trackBatches(deps, spread());
    expect(outcomes).toEqual([
      { ok: true, result: { applied: 2, duplicates: 0, unknown: 0, statusChanges: 1, suppressed: 0 } },
      { ok: true, result: { applied: 2, duplicates: 0, unknown: 0, statusChanges: 0, suppressed: 0 } },
      { ok: true, result: { applied: 1, duplicates: 0, unknown: 0, statusChanges: 1, suppressed: 0 } },
    ]);
    // One read for all three objects, every entry written together first, then one status write per
    // message.
    expect(getMany).toHaveBeenCalledTimes(1);
    expect(appendEvents).toHaveBeenCalledTimes(1);
    expect(appendEvents.mock.calls[0]![0].map((e) => [e.messageId, e.event.type])).toEqual([
      ['m1', 'processed'],
      ['m1', 'deferred'],
      ['m1', 'delivered'],
      ['m1', 'opened'],
      ['m2', 'delivered'],
    ]);
    expect(advance.mock.calls.map(([id, , change]) => [id, change.status])).toEqual([
      ['m1', 'delivered'],
      ['m2', 'delivered'],
    ]);
    expect(appendEvents.mock.invocationCallOrder[0]).toBeLessThan(advance.mock.invocationCallOrder[0]!);
    expect([await status('m1'), await status('m2')]).toEqual(['delivered', 'delivered']);
    // The timeline has every event; `deferred` never was the status (docs/events.md, the fold).
    expect(await timeline('m1')).toEqual(['queued', 'sent', 'processed', 'deferred', 'delivered', 'opened']);
    // Counters: one write per tenant-hour and object, as before.
    expect(deps.counters.writes).toBe(3);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ sent: 1, delivered: 2, opened: 1 });
  });

  it('sets the status by the first event of the highest rank, whichever object it came in', async () => {
    const { deps, sent, status, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const advance = jest.spyOn(deps.messages, 'advanceStatus');
    const dropped = event('dropped', { at: `${HOUR}:00:01.000Z` });
    const outcomes = await trackBatches(deps, [
      { batchId: 'lake/a', events: [event('rejected', { at: `${HOUR}:00:02.000Z` })] },
      { batchId: 'lake/b', events: [dropped, event('deferred', { at: `${HOUR}:00:00.000Z` })] },
    ]);
    expect(advance).toHaveBeenCalledTimes(1);
    expect(advance.mock.calls[0]![2]).toMatchObject({ status: 'dropped', at: dropped.at });
    expect(outcomes.map((o) => o.ok && o.result.statusChanges)).toEqual([0, 1]);
    expect(await status('m1')).toBe('dropped');
    expect(await timeline('m1')).toEqual(['queued', 'sent', 'deferred', 'dropped', 'rejected']);
  });

  it('writes no status when the message is already as far along, only the timeline', async () => {
    const { deps, sent, status, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await trackEvents(deps, 'lake/early', [event('bounced', { bounce: { type: 'soft' } })]);
    const advance = jest.spyOn(deps.messages, 'advanceStatus');
    const [outcome] = await trackBatches(deps, [
      { batchId: 'lake/late', events: [event('processed'), event('delivered')] },
    ]);
    expect(outcome).toMatchObject({ ok: true, result: { applied: 2, statusChanges: 0 } });
    expect(advance).not.toHaveBeenCalled();
    expect(await status('m1')).toBe('bounced');
    expect(await timeline('m1')).toEqual(expect.arrayContaining(['processed', 'delivered', 'bounced']));
  });

  it('still writes the entry of a status move that lost the race to another tracker', async () => {
    const { deps, sent, status, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    // Between this fold's read and its write, another tracker moved m1 to complained.
    const getMany = deps.messages.getMany.bind(deps.messages);
    jest.spyOn(deps.messages, 'getMany').mockImplementationOnce(async (ids) => {
      const found = await getMany(ids);
      await deps.messages.transition('m1', TENANT, {
        status: 'complained',
        event: { type: 'complained', at: `${HOUR}:00:09.000Z`, provider: 'sendgrid', data: {} },
      });
      return found;
    });
    const [outcome] = await trackBatches(deps, [{ batchId: 'lake/a', events: [event('delivered')] }]);
    expect(outcome).toMatchObject({ ok: true, result: { applied: 1, statusChanges: 0 } });
    expect(await status('m1')).toBe('complained');
    expect(await timeline('m1')).toContain('delivered');
  });

  it('fails every object whose event a failed status write held, counts none of them, and a retry completes them once', async () => {
    const { deps, sent, status, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2');
    const batches = spread();
    const other = { batchId: 'lake/d', events: [event('delivered', { messageId: 'm2' })] };
    const advance = deps.messages.advanceStatus.bind(deps.messages);
    jest
      .spyOn(deps.messages, 'advanceStatus')
      .mockImplementation(async (id, ...rest) =>
        id === 'm1' ? Promise.reject(TRANSIENT) : advance(id, ...rest),
      );

    const outcomes = await trackBatches(deps, [...batches, other]);
    // m1's status write failed: a, b and c each have an event of m1, so all three fail (their entries
    // were written, and are written again, under the same keys, when they come back).
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error))).toEqual([TRANSIENT, TRANSIENT, TRANSIENT, 'ok']);
    expect(await status('m1')).toBe('sent');
    expect(deps.counters.writes).toBe(1);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ delivered: 1 });

    // The queue brings a, b and c back (d was consumed); the store has recovered.
    jest.restoreAllMocks();
    const again = await trackBatches(deps, batches);
    expect(again.every((o) => o.ok)).toBe(true);
    expect(await status('m1')).toBe('delivered');
    expect(await timeline('m1')).toEqual(['queued', 'sent', 'processed', 'deferred', 'delivered', 'opened']);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ sent: 1, delivered: 3, opened: 1 });
    // Tracking them once more (a redelivered notification) changes nothing.
    const before = await deps.messages.getWithEvents('m1');
    await trackBatches(deps, batches);
    expect(await deps.messages.getWithEvents('m1')).toEqual(before);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ sent: 1, delivered: 3, opened: 1 });
  });

  it('fails only the objects whose entries a failed timeline write held', async () => {
    const { deps, sent, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2');
    // a's 25 opens fill one timeline write; b's open is in the next, which fails.
    const opens = Array.from({ length: 25 }, () => event('opened'));
    const opened = event('opened', { messageId: 'm2' });
    const appendEvents = deps.messages.appendEvents.bind(deps.messages);
    jest.spyOn(deps.messages, 'appendEvents').mockImplementation(async (entries) => {
      if (entries.some((e) => e.event.data.eventId === opened.eventId)) throw TRANSIENT;
      return appendEvents(entries);
    });
    const outcomes = await trackBatches(deps, [
      { batchId: 'lake/a', events: opens },
      { batchId: 'lake/b', events: [opened] },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect((await timeline('m1')).filter((t) => t === 'opened')).toHaveLength(25);
    expect(await timeline('m2')).not.toContain('opened');
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ opened: 25 });
  });

  it('moves no status whose event’s entry was not written, and fails every object with an event of that message', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const delivered = event('delivered');
    jest.spyOn(deps.messages, 'appendEvents').mockRejectedValue(TRANSIENT);
    const advance = jest.spyOn(deps.messages, 'advanceStatus');
    const outcomes = await trackBatches(deps, [
      { batchId: 'lake/a', events: [delivered] },
      { batchId: 'lake/b', events: [event('processed')] },
    ]);
    expect(outcomes).toEqual([
      { ok: false, error: TRANSIENT },
      { ok: false, error: TRANSIENT },
    ]);
    expect(advance).not.toHaveBeenCalled();
    expect(await status('m1')).toBe('sent');
    expect(deps.counters.writes).toBe(0);
  });

  it('fails only the object whose claim, counters or suppression failed; the rest apply', async () => {
    const { deps, sent, status } = setup();
    await sent('m1', 'sendgrid', 'X1');
    await sent('m2', 'sendgrid', 'X2');
    await sent('m3', 'sendgrid', 'X3');
    const claim = deps.seen.claim.bind(deps.seen);
    jest
      .spyOn(deps.seen, 'claim')
      .mockImplementation(async (ids, batchId) =>
        batchId === 'lake/a' ? Promise.reject(TRANSIENT) : claim(ids, batchId),
      );
    const add = deps.counters.add.bind(deps.counters);
    jest
      .spyOn(deps.counters, 'add')
      .mockImplementation(async (batchId, deltas) =>
        batchId === 'lake/b' ? Promise.reject(TRANSIENT) : add(batchId, deltas),
      );
    jest.spyOn(deps.suppressions, 'suppress').mockRejectedValue(TRANSIENT);

    const outcomes = await trackBatches(deps, [
      { batchId: 'lake/a', events: [event('delivered')] },
      { batchId: 'lake/b', events: [event('delivered', { messageId: 'm2' })] },
      {
        batchId: 'lake/c',
        events: [event('complained', { messageId: 'm3', recipient: 'angry@example.com' })],
      },
      { batchId: 'lake/d', events: [event('opened', { messageId: 'm3' })] },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, false, false, true]);
    // a claimed nothing, so wrote nothing; b's and c's events were written before their counters or
    // suppression failed (a retry writes them again under the same keys).
    expect([await status('m1'), await status('m2'), await status('m3')]).toEqual([
      'sent',
      'delivered',
      'complained',
    ]);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ complained: 1, opened: 1 });
  });

  it('fails every object when their messages cannot be read, and an object when its provider-id lookup fails', async () => {
    const { deps, sent } = setup();
    await sent('m1', 'sendgrid', 'X1');
    jest.spyOn(deps.messages, 'getMany').mockRejectedValueOnce(TRANSIENT);
    const batches = [
      { batchId: 'lake/a', events: [event('delivered')] },
      { batchId: 'lake/b', events: [event('opened', { messageId: undefined, providerMessageId: 'X1' })] },
    ];
    await expect(trackBatches(deps, batches)).resolves.toEqual([
      { ok: false, error: TRANSIENT },
      { ok: false, error: TRANSIENT },
    ]);
    jest.spyOn(deps.messages, 'findByProviderMessageId').mockRejectedValueOnce(TRANSIENT);
    const outcomes = await trackBatches(deps, batches);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(deps.counters.writes).toBe(1);
  });

  it('gives an event two objects hold to one of them, and takes two copies of one object as one', async () => {
    const { deps, sent, timeline } = setup();
    await sent('m1', 'sendgrid', 'X1');
    const delivered = event('delivered');
    const copy = { batchId: 'lake/a', events: [delivered, event('opened')] };
    const outcomes = await trackBatches(deps, [copy, { batchId: 'lake/b', events: [delivered] }, copy]);
    expect(outcomes).toEqual([
      { ok: true, result: expect.objectContaining({ applied: 2, duplicates: 2 }) },
      { ok: true, result: expect.objectContaining({ applied: 0, duplicates: 1 }) },
      outcomes[0],
    ]);
    expect(await timeline('m1')).toEqual(['queued', 'sent', 'delivered', 'opened']);
    expect(await deps.counters.get(TENANT, HOUR)).toEqual({ delivered: 1, opened: 1 });
  });
});
