import { parseOrThrow, ValidationError } from '@mailroom/core';
import { InMemoryCounters } from '@mailroom/core/testing';
import { getStats, StatsQuerySchema } from '../src/get-stats';

const query = (q: Record<string, string>) => parseOrThrow(StatsQuerySchema, q, 'invalid query');

describe('GET /v1/stats (use case, in-memory counters)', () => {
  let counters: InMemoryCounters;
  beforeEach(async () => {
    counters = new InMemoryCounters();
    await counters.add('lake/object-1', [
      { tenantId: 'acme', hour: '2026-12-01T09', counts: { sent: 3, delivered: 2 } },
      { tenantId: 'acme', hour: '2026-12-01T10', counts: { sent: 1, opened: 4, bounced: 1 } },
      { tenantId: 'acme', hour: '2026-12-02T00', counts: { complained: 1 } },
      { tenantId: 'globex', hour: '2026-12-01T10', counts: { sent: 50 } },
    ]);
    counters.bump('acme', '2026-12-01T09', 'queued');
    counters.bump('acme', '2026-12-01T09', 'queued');
  });

  const zeros = {
    queued: 0,
    sent: 0,
    delivered: 0,
    bounced: 0,
    complained: 0,
    opened: 0,
    clicked: 0,
    failed: 0,
  };

  it('sums hours into days, every day of the window present, oldest first, the tenant’s own only', async () => {
    const { buckets } = await getStats(
      'acme',
      query({ since: '2026-11-30T12:00:00Z', until: '2026-12-02T12:00:00Z', interval: 'day' }),
      { counters },
    );
    expect(buckets).toEqual([
      { start: '2026-11-30T00:00:00Z', ...zeros },
      { start: '2026-12-01T00:00:00Z', ...zeros, queued: 2, sent: 4, delivered: 2, opened: 4, bounced: 1 },
      { start: '2026-12-02T00:00:00Z', ...zeros, complained: 1 },
    ]);
  });

  it('answers hours, leaving out hours of the day outside the window', async () => {
    const { buckets } = await getStats(
      'acme',
      query({ since: '2026-12-01T10:30:00+00:00', until: '2026-12-01T12:00:00Z', interval: 'hour' }),
      { counters },
    );
    expect(buckets).toEqual([
      { start: '2026-12-01T10:00:00Z', ...zeros, sent: 1, opened: 4, bounced: 1 },
      { start: '2026-12-01T11:00:00Z', ...zeros },
    ]);
  });

  it('takes times with any offset, and defaults to the last 30 days of days', async () => {
    const { buckets } = await getStats('acme', query({ until: '2026-12-02T10:00:00+09:00' }), {
      counters,
    });
    expect(buckets).toHaveLength(31);
    expect(buckets.at(-1)).toEqual({ start: '2026-12-02T00:00:00Z', ...zeros, complained: 1 });
    expect(buckets[0]!.start).toBe('2026-11-02T00:00:00Z');
  });

  it('reads each day once', async () => {
    const days: string[] = [];
    await getStats(
      'acme',
      query({ since: '2026-12-01T00:00:00Z', until: '2026-12-04T00:00:00Z', interval: 'hour' }),
      {
        counters: { day: async (_t, day) => (days.push(day), []) },
      },
    );
    expect(days).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
  });

  it.each([
    [{ interval: 'week' }, /interval/],
    [{ since: 'yesterday' }, /since/],
    [{ until: '2026-12-01T10:00:00' }, /until/], // no zone: ambiguous
    [{ tenant: 'globex' }, /tenant/],
  ])('refuses %j as an invalid query', (q, path) => {
    const err = (() => {
      try {
        query(q as Record<string, string>);
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(JSON.stringify(err.details)).toMatch(path);
  });

  it.each([
    [{ since: '2026-12-02T00:00:00Z', until: '2026-12-01T00:00:00Z' }, /before until/],
    [{ since: '2026-12-01T00:00:00Z', until: '2026-12-01T00:00:00Z' }, /before until/],
    [{ since: '2026-11-01T00:00:00Z', until: '2026-11-08T00:00:01Z', interval: 'hour' }, /at most 7 days/],
    [{ since: '2026-01-01T00:00:00Z', until: '2026-12-01T00:00:00Z' }, /at most 92 days/],
  ])('refuses the window %j', async (q, message) => {
    await expect(getStats('acme', query(q), { counters })).rejects.toThrow(message);
  });
});
