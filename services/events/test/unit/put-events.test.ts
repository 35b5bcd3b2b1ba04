import { PayloadTooLargeError } from '@mailroom/core';
import { putEvents } from '../../src/put-events';
import { EventStreamUnavailableError, MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from '../../src/stream/port';
import { InMemoryEventStream } from '../support/memory-stream';

const events = (n: number, pad = 0) =>
  Array.from({ length: n }, (_, i) => ({ sg_event_id: `ev-${i}`, event: 'delivered', pad: 'x'.repeat(pad) }));
const noWait = { sleep: async () => undefined, backoff: { baseMs: 100, capMs: 1000, random: () => 0.5 } };
const idOf = (line: string) => (JSON.parse(line) as { sg_event_id: string }).sg_event_id;

describe('putEvents', () => {
  it('puts each event as one NDJSON line, in order', async () => {
    const stream = new InMemoryEventStream();
    await putEvents(stream, [{ a: 1 }, { b: 'é' }], noWait);
    expect(stream.accepted).toEqual(['{"a":1}\n', '{"b":"é"}\n']);
  });

  it('splits more than 500 events into calls of at most 500', async () => {
    const stream = new InMemoryEventStream();
    const result = await putEvents(stream, events(1201), noWait);
    expect(stream.calls.map((c) => c.length)).toEqual([MAX_BATCH_RECORDS, MAX_BATCH_RECORDS, 201]);
    expect(result).toEqual({ records: 1201, calls: 3, retried: 0 });
    expect(stream.accepted).toHaveLength(1201);
  });

  it('splits by bytes so that no call carries more than 4 MiB', async () => {
    const stream = new InMemoryEventStream();
    // 40 events of about 300 KiB: 12 MiB in all, 13 per call at most.
    await putEvents(stream, events(40, 300 * 1024), noWait);
    for (const call of stream.calls) {
      expect(call.reduce((n, line) => n + Buffer.byteLength(line), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(stream.calls.length).toBeGreaterThanOrEqual(3);
    expect(stream.accepted.map(idOf)).toEqual(events(40).map((e) => e.sg_event_id));
  });

  it('puts again only the records the stream failed, until all are accepted', async () => {
    const failing = new Set(['ev-3', 'ev-7']);
    // ev-3 fails twice, ev-7 once; the others are accepted the first time.
    const stream = new InMemoryEventStream((line, tries) => {
      const id = idOf(line);
      if (!failing.has(id)) return undefined;
      return tries < (id === 'ev-3' ? 2 : 1) ? 'ServiceUnavailableException' : undefined;
    });
    const result = await putEvents(stream, events(10), noWait);
    expect(stream.calls.map((c) => c.map(idOf))).toEqual([
      events(10).map((e) => e.sg_event_id),
      ['ev-3', 'ev-7'],
      ['ev-3'],
    ]);
    expect(result).toEqual({ records: 10, calls: 3, retried: 3 });
    expect(new Set(stream.accepted.map(idOf)).size).toBe(10);
    expect(stream.accepted).toHaveLength(10);
  });

  it('waits with a growing backoff between tries', async () => {
    const waits: number[] = [];
    const stream = new InMemoryEventStream((_line, tries) =>
      tries < 3 ? 'ServiceUnavailableException' : undefined,
    );
    await putEvents(stream, events(1), {
      sleep: async (ms) => void waits.push(ms),
      backoff: { baseMs: 100, capMs: 1000, random: () => 0.999999 },
    });
    expect(waits).toEqual([100, 200, 400]);
  });

  it('gives up after the last try with a retryable 503 naming how many were not accepted', async () => {
    const stream = new InMemoryEventStream((line) =>
      idOf(line) === 'ev-1' ? 'ServiceUnavailableException' : undefined,
    );
    const error = await putEvents(stream, events(3), { ...noWait, maxTries: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStreamUnavailableError);
    expect(error).toMatchObject({ code: 'EVENTS.STREAM_UNAVAILABLE', httpStatus: 503, retryable: true });
    expect((error as Error).message).toMatch(/1 of 3 events/);
    expect(stream.calls).toHaveLength(3);
    expect(stream.accepted.map(idOf)).toEqual(['ev-0', 'ev-2']);
  });

  it('tries a call that threw a transient error again, with all its records', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const stream = new InMemoryEventStream(undefined, (call) => (call === 1 ? throttled : undefined));
    const result = await putEvents(stream, events(4), noWait);
    expect(result.calls).toBe(2);
    expect(stream.accepted).toHaveLength(4);
  });

  it('stops at once when the stream refuses the call for good (no such stream, access denied)', async () => {
    const missing = Object.assign(new Error('no stream'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    const stream = new InMemoryEventStream(undefined, () => missing);
    const error = await putEvents(stream, events(2), noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStreamUnavailableError);
    expect((error as Error).cause).toBe(missing);
    expect(stream.calls).toHaveLength(1);
  });

  it('refuses an event larger than the stream takes before putting anything', async () => {
    const stream = new InMemoryEventStream();
    await expect(
      putEvents(stream, [{ a: 1 }, { big: 'x'.repeat(1000 * 1024) }], noWait),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(stream.calls).toHaveLength(0);
  });

  it('makes no call for an empty batch', async () => {
    const stream = new InMemoryEventStream();
    await expect(putEvents(stream, [], noWait)).resolves.toEqual({ records: 0, calls: 0, retried: 0 });
    expect(stream.calls).toHaveLength(0);
  });
});
