import { createDynamoDocumentClient } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { DynamoSendBudget, SendBudgetExhaustedError } from '../../src/rate/budget';
import { DynamoBudgetStore } from '../../src/rate/budget-dynamo';

jest.setTimeout(60_000);

describe('shared send budget (DynamoDB Local)', () => {
  let cloud: LocalCloud;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let table: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    table = cloud.outputs.outbound.MessagesTableName!;
  });
  afterAll(async () => {
    doc?.destroy();
    await cloud?.stop();
  });

  /** Budgets on one account as separate containers would hold them, on a frozen clock. */
  function budgets(account: string, count: number, maxWaitMs: number) {
    const waits: number[] = [];
    const clock = { now: 1_000_000 };
    const make = () =>
      new DynamoSendBudget(doc, table, account, {
        rate: 50,
        maxWaitMs,
        now: () => clock.now,
        sleep: async (ms) => void waits.push(ms),
      });
    return { waits, clock, all: Array.from({ length: count }, make) };
  }

  it('hands concurrent callers in different containers distinct slots one interval apart', async () => {
    const { clock, all } = budgets('ses#spacing', 3, 10_000);
    // 12 callers at the same instant across 3 containers: slots 0, 20, 40 … 220 ms out.
    const slots = await Promise.all(Array.from({ length: 12 }, (_, i) => all[i % 3]!.reserve()));
    expect(slots.map((s) => s.at - clock.now).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => i * 20),
    );
  });

  it('refuses a slot further out than the caller may wait', async () => {
    const { all } = budgets('ses#exhausted', 1, 100);
    const [budget] = all;
    for (let i = 0; i < 6; i += 1) await budget!.take(); // slots 0 … 100 ms
    await expect(budget!.take()).rejects.toBeInstanceOf(SendBudgetExhaustedError);
  });

  it('does not bank unused time: after a quiet spell the next slot is now, not in the past', async () => {
    const { waits, clock, all } = budgets('ses#idle', 1, 10_000);
    await all[0]!.take();
    clock.now += 60_000;
    await all[0]!.take();
    await all[0]!.take();
    expect(waits).toEqual([20]);
  });

  it('lets a late send go and holds the sends of the second after it until a second after it left', async () => {
    const start = 2_000_000;
    const clock = { now: start };
    // 50/s against a quota of 51/s: a margin of 20 ms a second, half of it the tolerance (10 ms).
    const options = { rate: 50, quota: 51, maxWaitMs: 10_000, maxLateMs: 400, now: () => clock.now };
    const other = new DynamoSendBudget(doc, table, 'ses#late', {
      ...options,
      sleep: async (ms) => void (clock.now += ms),
    });
    // Every sleep of this container overruns by 40 ms, as an event loop stall would.
    const late = new DynamoSendBudget(doc, table, 'ses#late', {
      ...options,
      sleep: async (ms) => void (clock.now += ms + 40),
    });
    await other.take(); // due at 0
    const slot = await late.reserve(); // due at 20
    await slot.wait(); // wakes up at 60: 40 ms late, and still goes
    slot.leaving();
    await late.pending;
    expect(clock.now - start).toBe(60);
    expect([late.lateHolds, late.lateRetakes]).toEqual([1, 0]);
    // The second after it is held: sends due in [1020.5, 1070) (60 + 1000 + the tolerance) leave at 1070.
    clock.now = start + 1010;
    const before = await other.reserve(); // the budget was idle: due now, before the hold
    await before.wait();
    expect(clock.now - start).toBe(1010);
    clock.now = start + 1030;
    const held = await other.reserve(); // due at 1030, in the hold
    await held.wait();
    expect(clock.now - start).toBe(1070);
    expect(other.heldSends).toBe(1);
    clock.now = start + 1100;
    await other.take(); // after the hold: on time
    expect(clock.now - start).toBe(1100);
  });

  it('takes a new slot when the caller wakes up later than it may still send', async () => {
    const clock = { now: 3_000_000 };
    const budget = new DynamoSendBudget(doc, table, 'ses#slow', {
      rate: 50,
      maxWaitMs: 10_000,
      maxLateMs: 100,
      now: () => clock.now,
      // Every sleep overruns by 150 ms; sends late by less than 100 ms still go.
      sleep: async (ms) => void (clock.now += ms + 150),
    });
    await budget.take(); // slot 0: due now, no sleep
    const slot = await budget.reserve(); // due at 20
    await slot.wait(); // woke at 170: too late; the next free slot is 170 (no sleep), so it goes then
    expect(clock.now - 3_000_000).toBe(170);
    expect(budget.lateRetakes).toBe(1);
  });

  it('takes as many slots as a mail has units, with a lead of empty slots when it weighs more than the headroom', async () => {
    const clock = { now: 4_000_000 };
    const waits: number[] = [];
    const options = {
      maxWaitMs: 10_000,
      now: () => clock.now,
      sleep: async (ms: number) => void waits.push(ms),
    };
    // Quota 100/s, budget 50/s: 50 units of headroom, so a 3-recipient mail goes at once and holds 3 slots.
    const roomy = new DynamoSendBudget(doc, table, 'ses#units-roomy', { ...options, rate: 50, quota: 100 });
    await roomy.take(3);
    await roomy.take(1);
    // Quota = budget = 50/s: no headroom, so it waits 2 empty slots first, then holds 3.
    const tight = new DynamoSendBudget(doc, table, 'ses#units-tight', { ...options, rate: 50, quota: 50 });
    await tight.take(3);
    await tight.take(1);
    expect(waits).toEqual([60, 40, 100]);
  });

  it('counts units against the 24-hour quota and, once it is spent, says when it has room again', async () => {
    const hour = 3_600_000;
    const clock = { now: 500_000 * hour + 10 * 60_000 }; // ten minutes into an hour
    const budget = new DynamoSendBudget(doc, table, 'ses#day', {
      rate: 50,
      quota: 100,
      maxWaitMs: 10_000,
      max24HourSend: 5,
      now: () => clock.now,
      sleep: async (ms) => void (clock.now += ms),
    });
    await budget.take(3);
    clock.now += 2 * hour;
    await budget.take(2);
    const spent = await budget.take(1).catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(SendBudgetExhaustedError);
    // The first hour's 3 units leave the 25-hour window when the hour 25 hours after it begins.
    expect(spent).toMatchObject({ quota: 'day', retryAfterMs: 500_025 * hour - clock.now });
    // Another container sees the same count.
    const other = new DynamoSendBudget(doc, table, 'ses#day', {
      rate: 50,
      maxWaitMs: 10_000,
      max24HourSend: 5,
      now: () => clock.now,
    });
    await expect(other.take(1)).rejects.toMatchObject({ quota: 'day' });
    clock.now = 500_025 * hour;
    await expect(budget.take(3)).resolves.toBeUndefined();
  });

  it('sends late rather than never when every slot is missed', async () => {
    const clock = { now: 4_000_000 };
    const budget = new DynamoSendBudget(doc, table, 'ses#never', {
      rate: 50,
      maxWaitMs: 10_000,
      maxLateMs: 25,
      // A container so slow that 30 ms pass between any two looks at the clock.
      now: () => (clock.now += 30),
      sleep: async () => undefined,
    });
    await expect(budget.take()).resolves.toBeUndefined();
    expect(budget.lateRetakes).toBe(3);
  });

  it('refuses a booked-out budget with one request, and takes a slot with one write (two when new to a busy one)', async () => {
    const counted = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    const requests: string[] = [];
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(context.commandName as string);
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    try {
      const now = 5_000_000;
      const booker = new DynamoBudgetStore(doc, table);
      // Booked 1 s ahead: slots of 100 ms from now.
      for (let i = 0; i < 10; i += 1)
        await booker.advance('ses#requests', { sizeMs: 100, now, maxAheadMs: Infinity });

      // A container that has never seen this budget tries the idle write first; its failure carries the tat.
      const fresh = new DynamoBudgetStore(counted, table);
      await expect(fresh.advance('ses#requests', { sizeMs: 100, now, maxAheadMs: 500 })).resolves.toEqual({
        busyUntil: now + 1_000,
      });
      expect(requests).toEqual(['UpdateItemCommand']);
      // Now it knows the budget is busy: one write again.
      requests.length = 0;
      await expect(fresh.advance('ses#requests', { sizeMs: 100, now, maxAheadMs: 500 })).resolves.toEqual({
        busyUntil: now + 1_000,
      });
      expect(requests).toEqual(['UpdateItemCommand']);

      // Room within the wait: the busy write takes the slot at the tat.
      requests.length = 0;
      await expect(fresh.advance('ses#requests', { sizeMs: 100, now, maxAheadMs: 2_000 })).resolves.toEqual({
        from: now + 1_000,
      });
      expect(requests).toEqual(['UpdateItemCommand']);

      // A container new to a busy budget: the failed idle write, then the busy one.
      requests.length = 0;
      const second = new DynamoBudgetStore(counted, table);
      await expect(second.advance('ses#requests', { sizeMs: 100, now, maxAheadMs: 2_000 })).resolves.toEqual({
        from: now + 1_100,
      });
      expect(requests).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);

      // Once the budget is idle again, the container's tat is behind the clock too: the idle write, alone.
      requests.length = 0;
      const later = now + 60_000;
      await expect(
        fresh.advance('ses#requests', { sizeMs: 100, now: later, maxAheadMs: 500 }),
      ).resolves.toEqual({ from: later });
      expect(requests).toEqual(['UpdateItemCommand']);
    } finally {
      counted.destroy();
    }
  });
});
