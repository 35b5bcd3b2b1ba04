/**
 * budget-scale: the shared send budget at an SES quota of 1,000 recipients/s, simulated on a virtual clock
 * (services/outbound/src/rate/simulation.ts): 50 containers × batches of 10, 60 virtual seconds, each
 * budget-store request a 5 ms round trip (±20%), each send 20–22 ms to the provider, which counts units in
 * a strict sliding one-second window. Ours: blocks of slots (the default, rate / 100 per write). Baseline:
 * one slot per write (the budget before blocks). No emulator, no real time: the figures are the same on any
 * machine and in every run.
 */
import { simulateBudget, type SimulationResult } from '../services/outbound/src/rate/simulation';
import { round, type BenchResult } from './result';

const QUOTA = 1000;
const base = { quota: QUOTA, share: 0.95, containers: 50, batch: 10, seconds: 60 };

const summary = (r: SimulationResult) => ({
  unitsPerSecond: round(r.unitsPerSecond, 1),
  ratio: round(r.ratio, 3),
  writesPerSecond: round(r.writesPerSecond, 1),
  readsPerSecond: round(r.readsPerSecond, 1),
  writesPerUnit: round(r.writesPerUnit, 3),
  maxUnitsInAnySecond: r.maxUnitsInAnySecond,
  throttled: r.throttled,
  lateRetakes: r.lateRetakes,
  budgetWaits: r.budgetWaits,
});

export async function budgetScale(): Promise<BenchResult> {
  const ours = summary(await simulateBudget(base));
  const baseline = summary(await simulateBudget({ ...base, blockSlots: 1 }));
  const mixed = summary(
    await simulateBudget({
      ...base,
      max24HourSend: 1e9,
      units: (random) => {
        const draw = random();
        return draw < 0.9 ? 1 : draw < 0.99 ? 2 + Math.floor(random() * 9) : 50;
      },
    }),
  );
  return {
    name: 'budget-scale',
    unit: 'budget-item writes/s at 1,000 recipients/s',
    ours: ours.writesPerSecond,
    baseline: baseline.writesPerSecond,
    ratio: round(baseline.writesPerSecond / ours.writesPerSecond, 2),
    notes:
      `simulated (virtual clock) SES quota ${QUOTA}/s at a 0.95 share, ${base.containers} containers × batches of ` +
      `${base.batch}, ${base.seconds} s. ours (blocks of 10 slots): ${ours.writesPerSecond} writes/s for ` +
      `${ours.unitsPerSecond} units/s (and ${ours.readsPerSecond} reads/s of the holds), at most ` +
      `${ours.maxUnitsInAnySecond} units in any one-second window, ` +
      `${ours.throttled} throttled; baseline (1 slot per write): ${baseline.writesPerSecond} writes/s, ` +
      `${baseline.throttled} throttled. With mails of 1–50 recipients and the 24-hour counter: ` +
      `${mixed.writesPerSecond} writes/s for ${mixed.unitsPerSecond} units/s, max ${mixed.maxUnitsInAnySecond} ` +
      `in a second, ${mixed.throttled} throttled.`,
    runs: { ours, baseline, mixed },
  };
}
