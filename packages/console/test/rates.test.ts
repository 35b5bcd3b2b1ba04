import { rate, rates, THRESHOLDS, totals, type Counts } from '../src/stats/rates';

const bucket = (counts: Partial<Counts>): Counts => ({
  queued: 0,
  sent: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  opened: 0,
  clicked: 0,
  failed: 0,
  ...counts,
});

describe('totals', () => {
  it('sums every counter over the buckets', () => {
    const sum = totals([
      bucket({ queued: 2, sent: 2, delivered: 1, bounced: 1 }),
      bucket({}),
      bucket({ queued: 5, sent: 4, delivered: 4, complained: 1, opened: 3, clicked: 2, failed: 1 }),
    ]);
    expect(sum).toEqual({
      queued: 7,
      sent: 6,
      delivered: 5,
      bounced: 1,
      complained: 1,
      opened: 3,
      clicked: 2,
      failed: 1,
    });
  });

  it('is all zeros for no buckets', () => {
    expect(totals([])).toEqual(bucket({}));
  });
});

describe('rate', () => {
  it('says no-mail, with no ratio, when nothing was sent (never a division by zero)', () => {
    expect(rate(0, 0, THRESHOLDS.bounce)).toMatchObject({ ratio: null, state: 'no-mail' });
    // A bounce counted in the window whose send fell just before it: still no ratio without sends.
    expect(rate(1, 0, THRESHOLDS.bounce)).toMatchObject({ count: 1, of: 0, ratio: null, state: 'no-mail' });
  });

  it('puts a bounce rate just under 5 % at ok, exactly 5 % at warning, exactly 10 % at at-risk', () => {
    expect(rate(49, 1000, THRESHOLDS.bounce)).toMatchObject({ state: 'ok', ratio: 0.049 });
    expect(rate(5, 100, THRESHOLDS.bounce).state).toBe('warning');
    expect(rate(99, 1000, THRESHOLDS.bounce).state).toBe('warning');
    expect(rate(1, 10, THRESHOLDS.bounce).state).toBe('at-risk');
    expect(rate(3, 3, THRESHOLDS.bounce).state).toBe('at-risk');
  });

  it('puts a complaint rate at 0.1 % at warning and at 0.5 % at at-risk, just under each one below it', () => {
    expect(rate(0, 5000, THRESHOLDS.complaint).state).toBe('ok');
    expect(rate(9, 10_000, THRESHOLDS.complaint).state).toBe('ok');
    expect(rate(1, 1000, THRESHOLDS.complaint).state).toBe('warning');
    expect(rate(49, 10_000, THRESHOLDS.complaint).state).toBe('warning');
    expect(rate(5, 1000, THRESHOLDS.complaint).state).toBe('at-risk');
  });

  it('puts a rate exactly at a threshold at it, whatever the number sent (3 of 60 is 5 %)', () => {
    for (const sent of [20, 60, 140, 300, 7000, 123_460]) {
      expect(rate(sent / 20, sent, THRESHOLDS.bounce).state).toBe('warning');
      expect(rate(sent / 10, sent, THRESHOLDS.bounce).state).toBe('at-risk');
      expect(rate(sent / 20 - 1, sent, THRESHOLDS.bounce).state).toBe('ok');
    }
  });

  it('gives the thresholds as ratios for display', () => {
    expect(rate(0, 1, THRESHOLDS.bounce)).toMatchObject({ warning: 0.05, atRisk: 0.1 });
    expect(rate(0, 1, THRESHOLDS.complaint)).toMatchObject({ warning: 0.001, atRisk: 0.005 });
  });
});

describe('rates', () => {
  it('takes both rates over sent mail', () => {
    const { bounce, complaint } = rates({ sent: 200, bounced: 12, complained: 1 });
    expect(bounce).toMatchObject({ count: 12, of: 200, ratio: 0.06, state: 'warning' });
    expect(complaint).toMatchObject({ count: 1, of: 200, ratio: 0.005, state: 'at-risk' });
  });
});
