import { backoffCeiling, backoffDelay, backoffSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS } from '../../src';

const opts = { baseMs: 100, capMs: 10_000 };

describe('backoffDelay (exponential, full jitter)', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    expect([0, 1, 2, 3, 6, 7, 50, 5000].map((a) => backoffCeiling(a, opts))).toEqual([
      100, 200, 400, 800, 6_400, 10_000, 10_000, 10_000,
    ]);
  });

  it('spreads the delay over [0, ceiling] with the injected random source', () => {
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { ...opts, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(3, { ...opts, random: () => 0.999999 })).toBe(800);
  });

  it('never exceeds the cap, even for huge attempts or a misbehaving random source', () => {
    expect(backoffDelay(10_000, { ...opts, random: () => 0.99 })).toBeLessThanOrEqual(10_000);
    expect(backoffDelay(2, { ...opts, random: () => 7 })).toBe(400);
    expect(backoffDelay(2, { ...opts, random: () => -1 })).toBe(0);
    expect(backoffDelay(-3, { ...opts, random: () => 0.999 })).toBeLessThanOrEqual(100);
  });

  it('jitters: many draws with Math.random are spread, not all equal', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(8, opts)));
    expect(draws.size).toBeGreaterThan(10);
    for (const d of draws) expect(d).toBeGreaterThanOrEqual(0);
    for (const d of draws) expect(d).toBeLessThanOrEqual(10_000);
  });
});

describe('backoffSeconds (SQS visibility)', () => {
  it('returns whole seconds within [minSeconds, cap]', () => {
    const o = { baseSeconds: 2, capSeconds: 900, minSeconds: 1 };
    expect(backoffSeconds(0, { ...o, random: () => 0 })).toBe(1);
    expect(backoffSeconds(3, { ...o, random: () => 0.5 })).toBe(8);
    expect(backoffSeconds(20, { ...o, random: () => 0.999999 })).toBe(900);
  });

  it('clamps to the 12-hour ChangeMessageVisibility maximum whatever the cap', () => {
    expect(MAX_VISIBILITY_TIMEOUT_SECONDS).toBe(43_200);
    expect(backoffSeconds(40, { baseSeconds: 60, capSeconds: 100_000, random: () => 0.999999 })).toBe(43_200);
  });
});
