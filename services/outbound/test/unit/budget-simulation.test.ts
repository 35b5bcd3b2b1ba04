import { simulateBudget } from '../../src/rate/simulation';

/**
 * The shared send budget at an SES quota of 1,000 recipients/s across 50 containers, on a virtual clock
 * (src/rate/simulation.ts): seeded, so every run is the same run — nothing here depends on chance or timing.
 */
describe('send budget at 1,000/s (simulation on a virtual clock)', () => {
  const base = { quota: 1000, share: 0.95, containers: 50, batch: 10, seconds: 10 };

  it('keeps the budget item at about 10% of the send rate in writes, and no second over the quota', async () => {
    // 5 virtual seconds (50,000 budget requests) show it: the writes per second include the start-up,
    // so a shorter run only makes the 110 bound harder to meet (104.4 here, 99.7 over 10 s).
    const blocks = await simulateBudget({ ...base, seconds: 5 });
    expect(blocks.throttled).toBe(0);
    expect(blocks.maxUnitsInAnySecond).toBeLessThanOrEqual(1000);
    expect(blocks.ratio).toBeGreaterThanOrEqual(0.94);
    expect(blocks.writesPerSecond).toBeLessThanOrEqual(110);
    // One slot per write instead: a write per send, at DynamoDB's per-partition ceiling of 1,000 writes/s.
    const single = await simulateBudget({ ...base, seconds: 5, blockSlots: 1 });
    expect(single.throttled).toBe(0);
    expect(single.writesPerSecond).toBeGreaterThan(900);
  });

  it('keeps mails of many recipients under the quota in every second, the 24-hour counter included', async () => {
    const result = await simulateBudget({
      ...base,
      max24HourSend: 1e9,
      // 90% to one recipient, 9% to 2–10, 1% to 50 (SES's most per mail).
      units: (random) => {
        const draw = random();
        return draw < 0.9 ? 1 : draw < 0.99 ? 2 + Math.floor(random() * 9) : 50;
      },
    });
    expect(result.throttled).toBe(0);
    expect(result.maxUnitsInAnySecond).toBeLessThanOrEqual(1000);
    expect(result.writesPerUnit).toBeLessThanOrEqual(0.12);
  });

  it('holds at a quota of 14/s with mails of up to 50 recipients, where each heavy mail waits out its lead', async () => {
    const result = await simulateBudget({
      quota: 14,
      share: 0.95,
      containers: 4,
      batch: 10,
      seconds: 60,
      units: (random) => (random() < 0.95 ? 1 : 50),
    });
    expect(result.throttled).toBe(0);
    // A 50-recipient mail lands alone in its second; nothing else ever exceeds 14.
    expect(result.maxUnitsInAnySecond).toBeLessThanOrEqual(50);
    expect(result.mails).toBeGreaterThan(0);
  });

  it('lets sends that a stall made late go and hold the second after them, losing no slot and throttling none', async () => {
    // 4 containers in one process at a quota of 20/s, whose event loop stalls up to 100 ms about every 500 ms,
    // for a virtual minute (about 120 stalls; 108 late sends held).
    const stalled = {
      quota: 20,
      share: 0.95,
      containers: 4,
      batch: 10,
      seconds: 60,
      stalls: { everyMs: 500, maxMs: 100 },
    };
    const holds = await simulateBudget(stalled);
    expect(holds.throttled).toBe(0);
    expect(holds.ratio).toBeGreaterThanOrEqual(0.945);
    expect(holds.lateHolds).toBeGreaterThan(0);
    // The budget before holds: a late caller left its slot empty and took a new one.
    const retakes = await simulateBudget({ ...stalled, maxLateMs: 0 });
    expect(retakes.throttled).toBe(0);
    expect(retakes.ratio).toBeLessThan(0.92);
  });
});
