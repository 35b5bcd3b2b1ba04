import type { SendQueueMessage } from '@mailroom/core';
import { InMemoryMessageStore, InMemoryRequestStore } from '@mailroom/core/testing';
import type { PeekedRecord } from '../../src/adapters/dead-letter-queue';
import { markDeadLetters } from '../../src/mark-dead-letters';
import { newMessageOf } from '../../src/send/claim';
import { sweepUnsent, type SweepDeps } from '../../src/sweep-unsent';
import { queueMessage } from '../support/cloud';
import { Clock } from '../support/twins';

const MINUTE = 60_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A DLQ in memory: what is read stays, as SQS keeps records whose visibility is changed back. */
class FakeDlq {
  readonly revealed: string[] = [];
  private hidden = new Set<string>();
  constructor(readonly records: PeekedRecord[]) {}
  async peek(): Promise<PeekedRecord[]> {
    const visible = this.records.filter((r) => !this.hidden.has(r.receiptHandle)).slice(0, 10);
    visible.forEach((r) => this.hidden.add(r.receiptHandle));
    return visible;
  }
  async reveal(handles: readonly string[]): Promise<void> {
    handles.forEach((h) => this.hidden.delete(h));
    this.revealed.push(...handles);
  }
}

describe('nothing stays queued or sending for ever', () => {
  let clock: Clock;
  let messages: InMemoryMessageStore;
  beforeEach(() => {
    clock = new Clock();
    messages = new InMemoryMessageStore(clock.date);
  });
  const recorded = async (
    message: SendQueueMessage,
    status?: 'sending' | 'sent' | 'failed',
    lastError?: string,
  ) => {
    await messages.ensure(newMessageOf(message, 'ses', clock.date()));
    if (status) {
      await messages.transition(message.id, message.tenantId, {
        status,
        ...(lastError && { lastError }),
        event: { type: status, provider: null, data: {} },
      });
    }
    return message;
  };
  const dlqRecord = (m: SendQueueMessage | string, i: number) => ({
    body: typeof m === 'string' ? m : JSON.stringify(m),
    receiptHandle: `h${i}`,
  });

  describe('the send DLQ', () => {
    it('marks dead-lettered mail failed (SEND.DEAD_LETTERED), keeps other verdicts, and leaves every record there', async () => {
      const sending = await recorded(queueMessage(), 'sending');
      const queued = await recorded(queueMessage());
      const account = await recorded(queueMessage(), 'failed', 'PROVIDER.ACCOUNT: …');
      const sent = await recorded(queueMessage(), 'sent');
      const neverRecorded = queueMessage({ tenantId: 'globex' });
      const all = [sending, queued, account, sent, neverRecorded, '{junk'];
      const extra = Array.from({ length: 12 }, () => queueMessage());
      for (const m of extra) await recorded(m, 'failed', 'PROVIDER.UNAVAILABLE: …');
      const dlq = new FakeDlq([...all, ...extra].map(dlqRecord));
      const counts: [string, number | undefined][] = [];

      const result = await markDeadLetters({
        dlq,
        messages,
        logger: silent,
        count: (m, v) => void counts.push([m, v]),
        now: clock.now,
      });
      expect(result).toEqual({ read: 18, marked: 3 });
      for (const m of [sending, queued, neverRecorded]) {
        await expect(messages.get(m.id)).resolves.toMatchObject({
          status: 'failed',
          lastError: expect.stringMatching(/^SEND\.DEAD_LETTERED: .*redrive/),
        });
      }
      await expect(messages.get(account.id)).resolves.toMatchObject({ lastError: 'PROVIDER.ACCOUNT: …' });
      await expect(messages.get(sent.id)).resolves.toMatchObject({ status: 'sent' });
      expect(dlq.revealed).toHaveLength(18); // nothing consumed
      expect(counts).toEqual([['DeadLetteredMessages', 3]]);

      // The next run reads them again and changes nothing.
      await expect(
        markDeadLetters({ dlq, messages, logger: silent, count: () => undefined }),
      ).resolves.toEqual({ read: 18, marked: 0 });
    });
  });

  describe('the sweeper', () => {
    let requests: InMemoryRequestStore;
    let enqueued: SendQueueMessage[];
    let gauges: Record<string, number>;
    let deps: SweepDeps;
    beforeEach(() => {
      requests = new InMemoryRequestStore();
      enqueued = [];
      gauges = {};
      deps = {
        messages,
        requests,
        enqueue: async (m) => void enqueued.push(m),
        logger: silent,
        gauge: (name, value) => void (gauges[name] = value),
        now: clock.now,
        settings: { unsentAfterMinutes: 60 },
      };
    });

    it('publishes the age of the oldest unsent mail (the delay alarm), 0 when there is none', async () => {
      await sweepUnsent(deps);
      expect(gauges.OldestUnsentMailAgeSeconds).toBe(0);
      await recorded(queueMessage());
      clock.advance(11 * MINUTE);
      await recorded(queueMessage());
      await sweepUnsent(deps);
      expect(gauges.OldestUnsentMailAgeSeconds).toBe(660);
    });

    it('puts a stuck mail back on the queue once, from its stored request, then fails it (SEND.STUCK)', async () => {
      const lost = await recorded(queueMessage({ bcc: ['b@example.com'] }));
      await requests.put(lost);
      clock.advance(59 * MINUTE);
      await expect(sweepUnsent(deps)).resolves.toEqual({ requeued: 0, failed: 0 });

      clock.advance(2 * MINUTE);
      await expect(sweepUnsent(deps)).resolves.toEqual({ requeued: 1, failed: 0 });
      expect(enqueued).toEqual([lost]);
      const requeued = (await messages.getWithEvents(lost.id))!;
      expect(requeued.message).toMatchObject({ status: 'queued', requeuedAt: clock.date().toISOString() });
      expect(requeued.events.at(-1)).toMatchObject({ type: 'requeued' });

      clock.advance(30 * MINUTE);
      await expect(sweepUnsent(deps)).resolves.toEqual({ requeued: 0, failed: 0 }); // not stuck again yet
      clock.advance(31 * MINUTE);
      await expect(sweepUnsent(deps)).resolves.toEqual({ requeued: 0, failed: 1 });
      await expect(messages.get(lost.id)).resolves.toMatchObject({
        status: 'failed',
        lastError: expect.stringMatching(/^SEND\.STUCK: /),
      });
      expect(enqueued).toHaveLength(1);
      expect(gauges.StuckMailFailed).toBe(1);
    });

    it('fails at once a stuck mail with no stored request, and leaves mail that is moving alone', async () => {
      const orphan = await recorded(queueMessage(), 'sending');
      clock.advance(61 * MINUTE);
      const moving = await recorded(queueMessage());
      const touched = await recorded(queueMessage());
      await messages.transition(touched.id, 'acme', {
        status: 'queued',
        event: { type: 'retry_scheduled', provider: null, data: {} },
      });
      await expect(sweepUnsent(deps)).resolves.toEqual({ requeued: 0, failed: 1 });
      await expect(messages.get(orphan.id)).resolves.toMatchObject({ status: 'failed' });
      await expect(messages.get(moving.id)).resolves.toMatchObject({ status: 'queued' });
    });

    it('puts a mail back again if it moved after its last requeue and then stalled again', async () => {
      const m = await recorded(queueMessage());
      await requests.put(m);
      clock.advance(61 * MINUTE);
      await sweepUnsent(deps);
      clock.advance(MINUTE);
      await messages.transition(m.id, 'acme', {
        status: 'sending',
        event: { type: 'sending', provider: 'ses', data: {} },
      });
      clock.advance(61 * MINUTE);
      await expect(sweepUnsent(deps)).resolves.toEqual({ requeued: 1, failed: 0 });
      expect(enqueued).toHaveLength(2);
    });
  });
});
