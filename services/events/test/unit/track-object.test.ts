import { gzipSync } from 'node:zlib';
import {
  InMemoryCounters,
  InMemoryMessageStore,
  InMemorySeenEvents,
  InMemorySuppressionStore,
} from '@mailroom/core/testing';
import { trackHandler } from '../../src/functions/track/handler';
import { LakeObjectUnreadableError } from '../../src/lake/port';
import { trackLakeObject, type TrackObjectDeps } from '../../src/track-object';
import {
  gzipNdjson,
  InMemoryLakeObjects,
  lakeKey,
  S3_TEST_EVENT,
  s3Notification,
  sendGridEvents,
  sesEvent,
  sqsEvent,
} from '../support/lake';

const BUCKET = 'mailroom-test-lake';

const setup = () => {
  const lake = new InMemoryLakeObjects();
  const warnings: Array<{ message: string; extra: unknown }> = [];
  const deps: TrackObjectDeps = {
    messages: new InMemoryMessageStore(() => new Date('2026-12-01T09:00:00Z')),
    seen: new InMemorySeenEvents(),
    counters: new InMemoryCounters(),
    suppressions: new InMemorySuppressionStore(),
    lake,
    logger: {
      info: () => undefined,
      warn: ((message: string, extra: unknown) => void warnings.push({ message, extra })) as never,
    },
  };
  const sent = async (id: string, provider: 'ses' | 'sendgrid' = 'sendgrid') => {
    await deps.messages.create({
      id,
      tenantId: 'acme',
      createdAt: '2026-12-01T09:00:00.000Z',
      from: 'shop@acme.example',
      to: ['example@test.com'],
      subject: 'Your order',
      recipients: ['example@test.com'],
    });
    await deps.messages.transition(id, 'acme', {
      status: 'sent',
      provider,
      providerMessageId: `pm-${id}`,
      event: { type: 'sent', provider, data: {} },
    });
  };
  const status = async (id: string) => (await deps.messages.get(id))!.status;
  return { deps, lake, warnings, sent, status };
};

describe('trackLakeObject', () => {
  it('folds a gzip NDJSON object of SendGrid events into the message, batch id bucket/key', async () => {
    const { deps, lake, sent, status } = setup();
    await sent('m1');
    const key = lakeKey('sendgrid', 'a');
    lake.put(BUCKET, key, gzipNdjson(sendGridEvents('m1')));
    const claim = jest.spyOn(deps.seen, 'claim');

    const result = await trackLakeObject({ bucket: BUCKET, key }, deps);
    expect(result).toMatchObject({ outcome: 'tracked', lines: 11, unparseable: 0, ignored: 0, events: 11 });
    expect(claim).toHaveBeenCalledWith(expect.any(Array), `${BUCKET}/${key}`);
    // The fixture holds a bounce and a spam report: the complaint ranks highest.
    expect(await status('m1')).toBe('complained');
    expect(await deps.suppressions.suppressed('acme', ['example@test.com'])).toEqual(
      new Set(['example@test.com']),
    );
  });

  it('reads SES events under provider=ses/', async () => {
    const { deps, lake, sent, status } = setup();
    await sent('m2', 'ses');
    const key = lakeKey('ses', 'b');
    lake.put(BUCKET, key, gzipNdjson([sesEvent('send', 'm2'), sesEvent('delivery', 'm2')]));
    await expect(trackLakeObject({ bucket: BUCKET, key }, deps)).resolves.toMatchObject({
      outcome: 'tracked',
      events: 2,
    });
    expect(await status('m2')).toBe('delivered');
  });

  it('skips lines that are not JSON, logs them, and applies the rest', async () => {
    const { deps, lake, warnings, sent, status } = setup();
    await sent('m3');
    const [processed, , delivered] = sendGridEvents('m3');
    const text = `${JSON.stringify(processed)}\n{"truncated":\nnot json at all\n${JSON.stringify(delivered)}\n`;
    const key = lakeKey('sendgrid', 'c');
    lake.put(BUCKET, key, gzipSync(text));
    await expect(trackLakeObject({ bucket: BUCKET, key }, deps)).resolves.toMatchObject({
      outcome: 'tracked',
      lines: 4,
      unparseable: 2,
      events: 2,
    });
    expect(await status('m3')).toBe('delivered');
    expect(warnings).toEqual([
      expect.objectContaining({ extra: expect.objectContaining({ count: 2, lines: [2, 3] }) }),
    ]);
  });

  it('counts JSON lines that are not events as ignored', async () => {
    const { deps, lake } = setup();
    const key = lakeKey('sendgrid', 'd');
    lake.put(
      BUCKET,
      key,
      gzipNdjson([{ hello: 'world' }, { event: 'mystery', sg_event_id: 'x', timestamp: 1 }]),
    );
    await expect(trackLakeObject({ bucket: BUCKET, key }, deps)).resolves.toMatchObject({
      ignored: 2,
      events: 0,
    });
  });

  it.each([
    ['is not gzip', () => Buffer.from('{"event":"delivered"}\n')],
    ['is a truncated gzip', () => gzipNdjson(sendGridEvents('m4')).subarray(0, 40)],
  ])('throws LakeObjectUnreadableError for an object that %s, applying nothing', async (_name, body) => {
    const { deps, lake, sent, status } = setup();
    await sent('m4');
    const key = lakeKey('sendgrid', 'e');
    lake.put(BUCKET, key, body());
    await expect(trackLakeObject({ bucket: BUCKET, key }, deps)).rejects.toBeInstanceOf(
      LakeObjectUnreadableError,
    );
    expect(await status('m4')).toBe('sent');
  });

  it('skips an object that no longer exists', async () => {
    const { deps } = setup();
    await expect(trackLakeObject({ bucket: BUCKET, key: lakeKey('ses', 'gone') }, deps)).resolves.toEqual({
      outcome: 'missing',
    });
  });

  it('skips an object outside the provider prefixes without reading it', async () => {
    const { deps } = setup();
    const open = jest.spyOn(deps.lake, 'open');
    await expect(
      trackLakeObject({ bucket: BUCKET, key: 'errors/provider=ses/x.gz' }, deps),
    ).resolves.toMatchObject({
      outcome: 'skipped',
    });
    expect(open).not.toHaveBeenCalled();
  });

  it('counts an object once and keeps its status when its notification comes twice', async () => {
    const { deps, lake, sent, status } = setup();
    await sent('m5');
    const key = lakeKey('sendgrid', 'f');
    lake.put(BUCKET, key, gzipNdjson(sendGridEvents('m5').slice(0, 3)));
    await trackLakeObject({ bucket: BUCKET, key }, deps);
    const counts = await (deps.counters as InMemoryCounters).get('acme', '2017-12-15T00');
    const before = await deps.messages.getWithEvents('m5');
    await expect(trackLakeObject({ bucket: BUCKET, key }, deps)).resolves.toMatchObject({
      outcome: 'tracked',
    });
    // The same object is the same batch: it may claim its events again (what lets a failed batch be
    // retried whole); counters are marked per batch and timeline entries keyed by event id, so
    // neither repeats (docs/events.md).
    expect(await (deps.counters as InMemoryCounters).get('acme', '2017-12-15T00')).toEqual(counts);
    expect(await deps.messages.getWithEvents('m5')).toEqual(before);
    expect(before!.events.map((e) => e.type)).toEqual([
      'processed',
      'deferred',
      'delivered',
      'queued',
      'sent',
    ]);
    expect(counts).toEqual({ sent: 1, delivered: 1 });
    expect(await status('m5')).toBe('delivered');
  });

  it('changes nothing when another object repeats events already tracked', async () => {
    const { deps, lake, sent } = setup();
    await sent('m7');
    const events = gzipNdjson(sendGridEvents('m7').slice(0, 3));
    lake.put(BUCKET, lakeKey('sendgrid', 'g1'), events);
    lake.put(BUCKET, lakeKey('sendgrid', 'g2'), events);
    await trackLakeObject({ bucket: BUCKET, key: lakeKey('sendgrid', 'g1') }, deps);
    const before = await deps.messages.getWithEvents('m7');
    await expect(
      trackLakeObject({ bucket: BUCKET, key: lakeKey('sendgrid', 'g2') }, deps),
    ).resolves.toMatchObject({
      track: { duplicates: 3, applied: 0 },
    });
    expect(await deps.messages.getWithEvents('m7')).toEqual(before);
  });
});

describe('track handler', () => {
  it('reports only the records that failed; a test event and a good object are consumed', async () => {
    const { deps, lake, sent, status } = setup();
    await sent('m6');
    const good = lakeKey('sendgrid', 'good');
    const poison = lakeKey('sendgrid', 'poison');
    lake.put(BUCKET, good, gzipNdjson(sendGridEvents('m6').slice(0, 3)));
    lake.put(BUCKET, poison, Buffer.from('not gzip'));
    const event = sqsEvent(
      s3Notification(BUCKET, good),
      s3Notification(BUCKET, poison),
      S3_TEST_EVENT,
      'not a notification',
    );
    const handler = trackHandler(async () => deps);
    const response = await handler(event, {} as never);
    expect(response).toEqual({
      batchItemFailures: [
        { itemIdentifier: event.Records[1]!.messageId },
        { itemIdentifier: event.Records[3]!.messageId },
      ],
    });
    expect(await status('m6')).toBe('delivered');
  });

  it('folds every record’s objects together, and reports the records whose events a failed write held', async () => {
    const { deps, lake, sent, status } = setup();
    await sent('m1');
    await sent('m2');
    // m1's processed, deferred and delivered spread over two objects (two records); m2's in a third.
    const [processed, deferred, delivered] = sendGridEvents('m1');
    const keys = ['spread-a', 'spread-b', 'other'].map((name) => lakeKey('sendgrid', name));
    lake.put(BUCKET, keys[0]!, gzipNdjson([processed]));
    lake.put(BUCKET, keys[1]!, gzipNdjson([deferred, delivered]));
    lake.put(BUCKET, keys[2]!, gzipNdjson(sendGridEvents('m2').slice(0, 3)));
    const event = sqsEvent(...keys.map((key) => s3Notification(BUCKET, key)));
    const handler = trackHandler(async () => deps);
    const advance = deps.messages.advanceStatus.bind(deps.messages);
    const writes = jest
      .spyOn(deps.messages, 'advanceStatus')
      .mockImplementation(async (id, ...rest) =>
        id === 'm1' ? Promise.reject(new Error('throttled')) : advance(id, ...rest),
      );

    await expect(handler(event, {} as never)).resolves.toEqual({
      batchItemFailures: [
        { itemIdentifier: event.Records[0]!.messageId },
        { itemIdentifier: event.Records[1]!.messageId },
      ],
    });
    // One status write per message for the whole invocation, though m1's events came in two objects.
    expect(writes.mock.calls.map(([id]) => id)).toEqual(['m1', 'm2']);
    expect([await status('m1'), await status('m2')]).toEqual(['sent', 'delivered']);

    // The two failed records come back once the table has recovered: m1 completes, nothing counts twice.
    writes.mockRestore();
    const again = sqsEvent(s3Notification(BUCKET, keys[0]!), s3Notification(BUCKET, keys[1]!));
    await expect(handler(again, {} as never)).resolves.toEqual({ batchItemFailures: [] });
    expect(await status('m1')).toBe('delivered');
    expect((await deps.messages.getWithEvents('m1'))!.events.map((e) => e.type)).toEqual([
      'processed',
      'deferred',
      'delivered',
      'queued',
      'sent',
    ]);
    expect(await deps.counters.get('acme', '2017-12-15T00')).toEqual({ sent: 2, delivered: 2 });
  });

  it('reports every record when its deps cannot be built, so all come back', async () => {
    const handler = trackHandler(async () => {
      throw new Error('no config');
    });
    const event = sqsEvent(S3_TEST_EVENT, S3_TEST_EVENT);
    await expect(handler(event, {} as never)).resolves.toEqual({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    });
  });
});
