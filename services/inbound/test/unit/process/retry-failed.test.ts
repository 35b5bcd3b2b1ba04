import { processMail } from '../../../src/process/process-mail';
import { PROCESS_LEASE_MS } from '../../../src/process/lease';
import { retryFailed, type RetryDeps } from '../../../src/process/retry-failed';
import { harness, notification, sesId } from '../../support/inbound';

const ACME = 'in.acme.localhost';
const NOW = new Date('2026-12-03T12:00:00.000Z');

const setup = async () => {
  let clock = NOW;
  const h = harness(() => clock);
  await h.routes.put({ pattern: `*@${ACME}`, tenantId: 'acme', destination: { type: 'store' } });
  const queue: string[] = [];
  const retry: RetryDeps = {
    inbound: h.inbound,
    requeue: async (id) => void queue.push(JSON.stringify({ type: 'mailroom.inbound.retry', id })),
    logger: h.deps.logger,
    now: () => clock,
    settings: { maxAttempts: 3, windowDays: 7, maxPerRun: 100 },
  };
  /** Runs the schedule, then `process` over what it queued. */
  const cycle = async () => {
    const report = await retryFailed(retry);
    const outcomes = [];
    while (queue.length) outcomes.push(await processMail(queue.shift()!, h.deps));
    return { report, outcomes };
  };
  const deliver = async (raw: string) => {
    const id = sesId();
    h.bucket.put(`raw/${id}`, raw);
    return { id, result: await processMail(JSON.stringify(notification(id, [`inbox@${ACME}`])), h.deps) };
  };
  /** Moves the clock of the store and the schedule on. */
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  /** What a worker leaves when it stops (the Lambda ends) after recording the mail, and after claiming it. */
  const stopped = async (claim: boolean) => {
    const id = sesId();
    h.bucket.put(`raw/${id}`, MAIL);
    const body = JSON.stringify(notification(id, [`inbox@${ACME}`]));
    const { record } = await h.inbound.receive({
      sesMessageId: id,
      recipients: [`inbox@${ACME}`],
      receivedAt: NOW.toISOString(),
      rawKey: `raw/${id}`,
      verdicts: {},
    });
    if (claim) await h.inbound.claim(record.id, PROCESS_LEASE_MS);
    return { id: record.id, body };
  };
  return { ...h, retry, queue, cycle, deliver, tick, stopped };
};

const MAIL = 'From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n';

describe('retryFailed', () => {
  it('re-queues failed mail, which is parsed again from the raw MIME kept under failed/ and delivered', async () => {
    const h = await setup();
    let down = true;
    h.onDeliver(async () => {
      if (down) throw new Error('receiver down');
    });
    const { id, result } = await h.deliver(MAIL);
    expect(result.outcome).toBe('failed');
    expect(h.bucket.keys('failed/')).toEqual([`failed/${id}`]);
    down = false;
    const { report, outcomes } = await h.cycle();
    expect(report).toEqual({ requeued: 1, exhausted: 0, unstuck: 0, abandoned: 0 });
    expect(outcomes).toEqual([{ outcome: 'processed', id: result.id, reason: null }]);
    expect(await h.inbound.load(result.id)).toMatchObject({
      status: 'processed',
      attempts: 2,
      rawKey: `processed/${id}`,
      reason: null,
    });
    expect(h.bucket.keys('failed/')).toEqual([]);
    expect(h.delivered).toHaveLength(2);
    // Nothing failed is left: the next run has nothing to do.
    expect((await h.cycle()).report).toEqual({ requeued: 0, exhausted: 0, unstuck: 0, abandoned: 0 });
  });

  it('recovers mail the parser failed on once the parser (here: the raw MIME) is fixed', async () => {
    const h = await setup();
    const { id, result } = await h.deliver('');
    expect(result.outcome).toBe('failed');
    h.bucket.put(`failed/${id}`, MAIL);
    expect((await h.cycle()).outcomes).toEqual([{ outcome: 'processed', id: result.id, reason: null }]);
    expect((await h.inbound.load(result.id))?.subject).toBe('hi');
  });

  it('stops at the attempt budget, leaving the mail failed', async () => {
    const h = await setup();
    const { result } = await h.deliver('');
    await h.cycle();
    await h.cycle();
    expect(await h.inbound.load(result.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await h.cycle()).report).toEqual({ requeued: 0, exhausted: 1, unstuck: 0, abandoned: 0 });
    expect(h.queue).toEqual([]);
  });

  it('leaves mail received before the window alone', async () => {
    const h = await setup();
    h.retry.now = () => new Date('2026-12-20T00:00:00.000Z');
    await h.deliver('');
    expect((await h.cycle()).report).toEqual({ requeued: 0, exhausted: 0, unstuck: 0, abandoned: 0 });
  });

  it('re-queues at most maxPerRun per run, the rest next time, each once', async () => {
    const h = await setup();
    for (let i = 0; i < 5; i++) await h.deliver('');
    h.retry.settings.maxPerRun = 2;
    const first = await retryFailed(h.retry);
    expect(first.requeued).toBe(2);
    const second = await retryFailed(h.retry);
    expect(second.requeued).toBe(2);
    const ids = h.queue.map((b) => JSON.parse(b).id);
    expect(new Set(ids).size).toBe(4);
  });

  it('puts the mail back to failed when the queue refuses the order, and fails the run', async () => {
    const h = await setup();
    const { result } = await h.deliver('');
    h.retry.requeue = async () => {
      throw new Error('SQS unavailable');
    };
    await expect(retryFailed(h.retry)).rejects.toThrow('SQS unavailable');
    expect((await h.inbound.load(result.id))?.status).toBe('failed');
  });

  it('does nothing for a retry order of mail that is no longer `received`', async () => {
    const h = await setup();
    const { result } = await h.deliver(MAIL);
    const order = JSON.stringify({ type: 'mailroom.inbound.retry', id: result.id });
    expect(await processMail(order, h.deps)).toEqual({
      outcome: 'duplicate',
      id: result.id,
      status: 'processed',
    });
    expect(h.delivered).toHaveLength(1);
  });
});

describe('retryFailed: the stuck sweep', () => {
  const none = { requeued: 0, exhausted: 0, unstuck: 0, abandoned: 0 };

  it('re-queues mail whose worker stopped after claiming it once the lease has ended; the order finishes it', async () => {
    const h = await setup();
    const { id, body } = await h.stopped(true);
    // The queue's redelivery meanwhile finds the claim and does nothing.
    expect(await processMail(body, h.deps)).toEqual({ outcome: 'duplicate', id, status: 'received' });
    h.tick(PROCESS_LEASE_MS - 1);
    expect((await h.cycle()).report).toEqual(none);
    h.tick(1);
    const { report, outcomes } = await h.cycle();
    expect(report).toEqual({ ...none, unstuck: 1 });
    expect(outcomes).toEqual([{ outcome: 'processed', id, reason: null }]);
    expect(await h.inbound.load(id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(h.delivered).toHaveLength(1);
    expect((await h.cycle()).report).toEqual(none);
  });

  it('re-queues mail recorded but never claimed once it has sat a lease long', async () => {
    const h = await setup();
    const { id } = await h.stopped(false);
    h.tick(PROCESS_LEASE_MS - 1);
    expect((await h.cycle()).report).toEqual(none);
    h.tick(1);
    expect((await h.cycle()).outcomes).toEqual([{ outcome: 'processed', id, reason: null }]);
    expect(await h.inbound.load(id)).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it('puts stuck mail back once per lease, even when its order is not taken up at once', async () => {
    const h = await setup();
    const { id } = await h.stopped(true);
    h.tick(PROCESS_LEASE_MS);
    expect((await retryFailed(h.retry)).unstuck).toBe(1);
    // A second run (or one running at the same moment) finds it freed, no longer stuck.
    expect((await retryFailed(h.retry)).unstuck).toBe(0);
    expect(h.queue.map((b) => JSON.parse(b).id)).toEqual([id]);
  });

  it('ends mail that stopped its workers attempt after attempt `failed`, not put back forever', async () => {
    const h = await setup();
    const { id } = await h.stopped(true);
    for (let attempt = 2; attempt <= 3; attempt++) {
      h.tick(PROCESS_LEASE_MS);
      expect((await retryFailed(h.retry)).unstuck).toBe(1);
      h.queue.length = 0;
      // The order's worker claims it and stops again.
      expect((await h.inbound.claim(id, PROCESS_LEASE_MS))?.attempts).toBe(attempt);
    }
    h.tick(PROCESS_LEASE_MS);
    expect(await retryFailed(h.retry)).toEqual({ ...none, abandoned: 1 });
    expect(await h.inbound.load(id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      reason: 'INBOUND.ABANDONED: processing stopped 3 times without finishing',
    });
    expect(h.queue).toEqual([]);
  });

  it('leaves stuck mail for the next run when the queue refuses its order, and fails the run', async () => {
    const h = await setup();
    const { id } = await h.stopped(true);
    h.tick(PROCESS_LEASE_MS);
    const requeue = h.retry.requeue;
    h.retry.requeue = async () => {
      throw new Error('SQS unavailable');
    };
    await expect(retryFailed(h.retry)).rejects.toThrow('SQS unavailable');
    expect((await h.inbound.load(id))?.status).toBe('received');
    h.retry.requeue = requeue;
    h.tick(PROCESS_LEASE_MS);
    expect((await h.cycle()).outcomes).toEqual([{ outcome: 'processed', id, reason: null }]);
  });
});
