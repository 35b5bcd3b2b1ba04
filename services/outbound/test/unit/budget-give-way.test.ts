import { SharedSendBudget } from '../../src/rate/budget';
import { InMemoryBudgetStore } from '../../src/rate/budget-memory';

/** Budgets on one account at 10/s (100 ms a slot), as separate containers hold them, on one virtual clock. */
function account() {
  const store = new InMemoryBudgetStore();
  let asked = 0;
  const counting = Object.assign(Object.create(store) as InMemoryBudgetStore, {
    advance: (...args: Parameters<InMemoryBudgetStore['advance']>) => ((asked += 1), store.advance(...args)),
  });
  const clock = { ms: 1_000_000 };
  const sleeps: number[] = [];
  /** Runs while a container sleeps, as other containers' mail would arrive meanwhile. */
  const meanwhile: (() => Promise<unknown>)[] = [];
  const container = () =>
    new SharedSendBudget(counting, 'ses#test', {
      rate: 10,
      maxWaitMs: 10_000,
      now: () => clock.ms,
      sleep: async (ms) => {
        sleeps.push(ms);
        await meanwhile.shift()?.();
        clock.ms += ms;
      },
    });
  return { clock, sleeps, meanwhile, container, asked: () => asked };
}

describe('giving way at the send budget (in memory, virtual clock)', () => {
  it('takes a slot that is free at once, without waiting', async () => {
    const { clock, container, sleeps } = account();
    const slot = await container().reserve(1, { yieldUntil: clock.ms + 1000 });
    expect(slot.at).toBe(clock.ms);
    expect(sleeps).toEqual([]);
  });

  it('waits while the account is booked ahead, and the mail that does not give way goes first', async () => {
    const { clock, container, sleeps, meanwhile } = account();
    const start = clock.ms;
    const burst = container();
    for (let i = 0; i < 3; i += 1) await burst.reserve(); // the account is booked until start + 300
    const giving = container();
    const other = container();
    let otherAt = 0;
    // Another tenant's mail arrives while the giving one sleeps: it books the next slot, start + 300.
    meanwhile.push(async () => (otherAt = (await other.reserve()).at));
    const slot = await giving.reserve(1, { yieldUntil: start + 1000 });
    expect(otherAt).toBe(start + 300);
    expect(slot.at).toBe(start + 400);
    expect(sleeps).toEqual([300, 100]);
    expect(giving.gaveWay).toBe(2);
  });

  it('reserves as any other mail once its time to give way is up', async () => {
    const { clock, container, sleeps } = account();
    const start = clock.ms;
    const burst = container();
    for (let i = 0; i < 50; i += 1) await burst.reserve(); // booked 5 s ahead
    const slot = await container().reserve(1, { yieldUntil: start + 1000 });
    expect(sleeps).toEqual([1000]);
    expect(slot.at).toBe(start + 5000); // in line behind the 50, not refused
  });

  it('spends no store request on a refusal it can foresee', async () => {
    const { clock, container, asked } = account();
    const start = clock.ms;
    const giving = container();
    for (let i = 0; i < 5; i += 1) await giving.reserve(); // its own bookings: the account is busy until +500
    const before = asked();
    await giving.reserve(1, { yieldUntil: start + 1000 });
    // It knew the account was booked until +500, slept until then, and asked the store once.
    expect(asked() - before).toBe(1);
    expect(clock.ms).toBe(start + 500);
  });
});
