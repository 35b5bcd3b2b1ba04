import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { RetryLaterError, sendMessage, type SendRecord } from '../../src/send-message';
import { SendBudgetExhaustedError, SharedSendBudget, type SendBudget } from '../../src/rate/budget';
import { InMemoryBudgetStore } from '../../src/rate/budget-memory';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

const throttle = () =>
  new TooManyRequestsException({
    $metadata: { httpStatusCode: 429 },
    message: 'Maximum sending rate exceeded.',
  });

/** A budget that finds no slot the next `waits` times, then has one at once. */
function scarceBudget(waits: number): SendBudget & { asked: number[] } {
  let left = waits;
  const asked: number[] = [];
  return {
    asked,
    reserve: async (units = 1) => {
      asked.push(units);
      if (left > 0) {
        left -= 1;
        throw new SendBudgetExhaustedError('no slot', 12_345, 'rate');
      }
      return { at: 0, wait: async () => undefined, leaving: () => undefined };
    },
  };
}

/**
 * What SQS does with the records the use case hands back: a consumed record is gone, a RetryLaterError
 * comes back with its receive count one higher, a requeued copy arrives as a new record (receive count 1).
 */
async function deliverUntilSettled(t: Twins, first: SendRecord, limit = 100) {
  const outcomes: string[] = [];
  let next: SendRecord | undefined = first;
  for (let i = 0; next && i < limit; i += 1) {
    const current: SendRecord = next;
    const requeued = t.requeues.length;
    next = undefined;
    try {
      const outcome = await sendMessage(current, t.deps);
      outcomes.push(outcome);
      if (outcome === 'waiting') next = record(t.requeues[requeued]!.body);
    } catch (err) {
      if (!(err instanceof RetryLaterError)) throw err;
      outcomes.push('retry');
      // SQS moves a record to the DLQ once it was received maxReceiveCount times.
      if (current.receiveCount >= t.deps.settings.maxReceiveCount) {
        t.deadLetters.push(current.body);
        outcomes.push('dlq-by-sqs');
      } else next = { ...current, receiveCount: current.receiveCount + 1 };
    }
  }
  return outcomes;
}

describe('waiting for the send budget (in-memory twins)', () => {
  let t: Twins;
  beforeEach(() => {
    t = twins();
  });

  it('puts a delayed copy back and consumes the record, so 30 waits in a row use up no attempt', async () => {
    const budget = scarceBudget(30);
    t.deps.budgets.ses = budget;
    const message = queueMessage();
    const outcomes = await deliverUntilSettled(t, record(message));
    expect(outcomes).toEqual([...Array<string>(30).fill('waiting'), 'sent']);
    expect(t.deadLetters).toEqual([]);
    expect(t.ses.sent).toHaveLength(1);
    const stored = (await t.messages.getWithEvents(message.id))!;
    expect(stored.message).toMatchObject({ status: 'sent', attempts: 1 });
    const types = stored.events.map((e) => e.type);
    expect(types.filter((type) => type === 'budget_wait')).toHaveLength(30);
    expect(types).not.toContain('failed');
    // Each copy waits as long as the budget said (12.3 s → 13 s) and carries no attempts.
    expect(t.requeues.map((r) => r.delaySeconds)).toEqual(Array<number>(30).fill(13));
    expect(t.requeues.map((r) => (JSON.parse(r.body) as { attemptsUsed: number }).attemptsUsed)).toEqual(
      Array<number>(30).fill(0),
    );
    // No receive was pushed out: SQS's receive count was never spent on a wait.
    expect(t.delays).toEqual([]);
  });

  it('carries real attempts over to the copy, and still fails and parks the mail after 10 of them', async () => {
    // Attempts 1–3 are throttled, then the budget has no slot (twice), then attempts 4–10 are throttled.
    const budget = scarceBudget(0);
    let waitsLeft = 2;
    let attempts = 0;
    t.deps.budgets.ses = {
      reserve: async (units) => {
        if (attempts === 3 && waitsLeft > 0) {
          waitsLeft -= 1;
          throw new SendBudgetExhaustedError('no slot', 1_000, 'rate');
        }
        attempts += 1;
        return budget.reserve(units);
      },
    };
    t.ses.next(...Array.from({ length: 10 }, () => ({ error: throttle() })));
    const message = queueMessage();
    const outcomes = await deliverUntilSettled(t, record(message));
    expect(outcomes).toEqual([
      'retry',
      'retry',
      'retry',
      'waiting',
      'waiting',
      ...Array<string>(6).fill('retry'),
      'retry', // attempt 10: recorded failed, pushed to its next receive at once
      'failed', // attempt 11 of a copy: moved to the DLQ by the function, as SQS would the original
    ]);
    const stored = (await t.messages.getWithEvents(message.id))!;
    expect(stored.message).toMatchObject({ status: 'failed', attempts: 10 });
    expect(t.requeues.map((r) => (JSON.parse(r.body) as { attemptsUsed: number }).attemptsUsed)).toEqual([
      3, 3,
    ]);
    // Parked without attemptsUsed: a redrive starts with all 10 attempts.
    expect(t.deadLetters.map((body) => JSON.parse(body) as unknown)).toEqual([message]);
    expect(stored.events.filter((e) => e.type === 'sending').map((e) => e.data)).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ attempt: i + 1 })),
    );
  });

  it('waits out a spent 24-hour quota on the queue, then sends', async () => {
    const store = new InMemoryBudgetStore();
    const options = { rate: 10, maxWaitMs: 5_000, max24HourSend: 2, now: t.clock.now };
    const budget = new SharedSendBudget(store, 'ses#us-east-1', options);
    t.deps.budgets.ses = budget;
    // Another container spent the quota a minute ago.
    await new SharedSendBudget(store, 'ses#us-east-1', options).reserve(2);
    const message = queueMessage({ to: ['a@example.com', 'b@example.com'] });
    let next: SendRecord = record(message);
    let waits = 0;
    for (;;) {
      const outcome = await sendMessage(next, t.deps);
      if (outcome !== 'waiting') {
        expect(outcome).toBe('sent');
        break;
      }
      waits += 1;
      const copy = t.requeues.at(-1)!;
      t.clock.advance(copy.delaySeconds * 1000);
      next = record(copy.body);
    }
    // Room again 25 clock hours after the spent units were counted (rate/budget-store.ts): waits of at
    // most 15 minutes (SQS's longest delay), 96–100 of them.
    expect(waits).toBeGreaterThanOrEqual(96);
    expect(waits).toBeLessThanOrEqual(100);
    expect(Math.max(...t.requeues.map((r) => r.delaySeconds))).toBe(900);
    expect((await t.messages.get(message.id))?.attempts).toBe(1);
  });

  it('asks the SES budget for one unit per recipient left after suppression, SendGrid for one per request', async () => {
    const ses = scarceBudget(0);
    const sendgrid = scarceBudget(0);
    t.deps.budgets = { ses, sendgrid };
    await t.suppressions.suppress('acme', 'b@example.com', 'bounce');
    const to = ['a@example.com', 'B@example.com'];
    await sendMessage(record(queueMessage({ to, cc: ['c@example.com'], bcc: ['d@example.com'] })), t.deps);
    await sendMessage(record(queueMessage({ to, provider: 'sendgrid' })), t.deps);
    expect(ses.asked).toEqual([3]);
    expect(sendgrid.asked).toEqual([1]);
  });
});
