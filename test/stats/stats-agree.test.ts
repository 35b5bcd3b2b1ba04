import {
  InMemoryCounters,
  InMemoryMessageStore,
  InMemorySeenEvents,
  InMemorySuppressionStore,
} from '@mailroom/core/testing';
import fc from 'fast-check';
import { getStats } from '../../services/api/src/get-stats';
import { MAIL_EVENT_TYPES, type MailEvent } from '../../services/events/src/normalize/mail-event';
import { trackEvents } from '../../services/events/src/track-events';

/**
 * `GET /v1/stats` (the counters the tracker bumps once per tenant-hour and lake object) agrees with the
 * messages' timelines (one entry per event the tracker applied) for a seeded set of events: two tenants,
 * every event type, two days of hours, events split over lake objects, some objects delivered twice and
 * some events repeated across objects. The counting rule is the contract's (a provider's `processed` is a
 * sent mail; drops, rejections and failures are `failed`), written here independently of the tracker.
 */
const COUNTED: Record<string, string> = {
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
const TENANTS = ['acme', 'globex'] as const;
const START = Date.parse('2026-12-01T00:00:00.000Z');
const HOURS = 48;
const SEED = 20261203;

describe('stats agree with the timelines', () => {
  it('for a seeded set of events over two tenants and two days, duplicates and redeliveries included', async () => {
    const deps = {
      messages: new InMemoryMessageStore(() => new Date(START - 3_600_000)),
      seen: new InMemorySeenEvents(),
      counters: new InMemoryCounters(),
      suppressions: new InMemorySuppressionStore(),
    };
    const ids: { id: string; tenantId: string }[] = [];
    for (let i = 0; i < 40; i += 1) {
      const id = `01MSG${String(i).padStart(4, '0')}`;
      const tenantId = TENANTS[i % 2]!;
      await deps.messages.create({
        id,
        tenantId,
        createdAt: new Date(START - 3_600_000).toISOString(),
        from: `shop@${tenantId}.example`,
        to: [`r${i}@example.com`],
        subject: 'Hi',
        recipients: [`r${i}@example.com`],
      });
      await deps.messages.transition(id, tenantId, {
        status: 'sent',
        provider: 'sendgrid',
        providerMessageId: `pm-${i}`,
        event: { type: 'sent', provider: 'sendgrid', data: {} },
      });
      ids.push({ id, tenantId });
    }

    // Events: any type, any message, any minute of the two days (fixed seed: the same set every run).
    const [events] = fc.sample(
      fc.array(
        fc.record({
          type: fc.constantFrom(...MAIL_EVENT_TYPES),
          message: fc.nat({ max: ids.length - 1 }),
          minute: fc.nat({ max: HOURS * 60 - 1 }),
        }),
        { minLength: 400, maxLength: 400 },
      ),
      { seed: SEED, numRuns: 1 },
    );
    const all: MailEvent[] = events!.map((e, n) => ({
      eventId: `ev-${n}`,
      provider: 'sendgrid',
      type: e.type,
      at: new Date(START + e.minute * 60_000).toISOString(),
      messageId: ids[e.message]!.id,
      recipient: `r${e.message}@example.com`,
      ...(e.type === 'bounced' && { bounce: { type: 'hard' as const } }),
      raw: {},
    }));
    // Lake objects of 50; every fifth object also carries ten events of the one before (a repeat across
    // objects), and objects 2 and 5 are delivered twice (a redelivered S3 notification).
    const objects: MailEvent[][] = [];
    for (let i = 0; i < all.length; i += 50) {
      const object = all.slice(i, i + 50);
      if (i > 0 && (i / 50) % 5 === 0) object.push(...all.slice(i - 10, i));
      objects.push(object);
    }
    for (const [n, object] of objects.entries()) await trackEvents(deps, `lake/object-${n}`, object);
    for (const n of [2, 5]) await trackEvents(deps, `lake/object-${n}`, objects[n]!);

    // What the timelines say: each applied event once, counted in its hour.
    const expected = new Map<string, Record<string, number>>();
    for (const { id, tenantId } of ids) {
      const { events: timeline } = (await deps.messages.getWithEvents(id))!;
      const applied = timeline.filter((e) => typeof e.data.eventId === 'string');
      expect(new Set(applied.map((e) => e.data.eventId)).size).toBe(applied.length);
      for (const entry of applied) {
        const counter = COUNTED[entry.type];
        if (!counter) continue;
        const key = `${tenantId}#${entry.at.slice(0, 13)}`;
        const bucket = (expected.get(key) ?? expected.set(key, {}).get(key))!;
        bucket[counter] = (bucket[counter] ?? 0) + 1;
      }
    }
    expect(expected.size).toBeGreaterThan(40);

    for (const tenantId of TENANTS) {
      const { buckets } = await getStats(
        tenantId,
        {
          interval: 'hour',
          since: new Date(START).toISOString(),
          until: new Date(START + HOURS * 3_600_000).toISOString(),
        },
        { counters: deps.counters },
      );
      expect(buckets).toHaveLength(HOURS);
      for (const bucket of buckets) {
        const want = expected.get(`${tenantId}#${bucket.start.slice(0, 13)}`) ?? {};
        for (const counter of new Set(Object.values(COUNTED))) {
          expect({ at: bucket.start, counter, n: bucket[counter as keyof typeof bucket] }).toEqual({
            at: bucket.start,
            counter,
            n: want[counter] ?? 0,
          });
        }
      }
    }
  });
});
