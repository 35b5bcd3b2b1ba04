import { createDynamoDocumentClient } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { DynamoSendBudget, SendBudgetExhaustedError } from '../../src/rate/budget';

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
    const { waits, all } = budgets('ses#spacing', 3, 10_000);
    // 12 callers at the same instant across 3 containers: slots 0, 20, 40 … 220 ms out.
    await Promise.all(Array.from({ length: 12 }, (_, i) => all[i % 3]!.take()));
    expect([0, ...waits].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
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

  it('leaves a slot empty and takes a new one when the caller wakes up too late for it', async () => {
    const clock = { now: 2_000_000 };
    const budget = new DynamoSendBudget(doc, table, 'ses#late', {
      rate: 50,
      maxWaitMs: 10_000,
      lateToleranceMs: 25,
      now: () => clock.now,
      // Every sleep overruns by 40 ms, as an event loop stall would.
      sleep: async (ms) => void (clock.now += ms + 40),
    });
    const sentAt: number[] = [];
    await budget.take(); // slot 0: no sleep
    sentAt.push(clock.now - 2_000_000);
    await budget.take(); // slot 20, woke at 60: too late, so it takes the next free slot, 60
    sentAt.push(clock.now - 2_000_000);
    expect(sentAt).toEqual([0, 60]);
    expect(budget.lateRetakes).toBe(1);
  });

  it('sends late rather than never when every slot is missed', async () => {
    const clock = { now: 3_000_000 };
    const budget = new DynamoSendBudget(doc, table, 'ses#slow', {
      rate: 50,
      maxWaitMs: 10_000,
      lateToleranceMs: 25,
      // A container so slow that 30 ms pass between any two looks at the clock.
      now: () => (clock.now += 30),
      sleep: async () => undefined,
    });
    await expect(budget.take()).resolves.toBeUndefined();
    expect(budget.lateRetakes).toBe(3);
  });
});
