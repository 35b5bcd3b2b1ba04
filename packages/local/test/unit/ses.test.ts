import {
  GetAccountCommand,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
  MessageRejected,
} from '@aws-sdk/client-sesv2';
import { startSesStandIn, type SesStandIn } from '../../src/standins/ses';
import { rawRecipients } from '../../src/standins/ses-requests';

describe('SES stand-in', () => {
  let ses: SesStandIn;
  let client: SESv2Client;
  let draws: number[];
  const url = (path: string) => `http://127.0.0.1:${ses.port}${path}`;
  const sendTo = (to: string) =>
    client.send(
      new SendEmailCommand({
        FromEmailAddress: 'app@example.com',
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
        EmailTags: [{ Name: 'mailroom_message_id', Value: 'msg-1' }],
      }),
    );

  beforeAll(async () => {
    ses = await startSesStandIn({
      port: 0,
      faults: { throttle: 0.1, '5xx': 0.1 },
      random: () => draws.shift() ?? 0.99,
      // SES sends only from verified identities (ses-identities.test.ts pins that rule).
      identities: { verified: [{ identity: 'example.com' }] },
    });
    client = new SESv2Client({
      endpoint: `http://127.0.0.1:${ses.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1, // see each injected fault, not the SDK's retry of it
    });
  });
  beforeEach(async () => {
    draws = [];
    await fetch(url('/clear-store'), { method: 'POST' });
  });
  afterAll(async () => {
    client.destroy();
    await ses.close();
  });

  it('sends through aws-ses-v2-local and keeps the mail at /store', async () => {
    const { MessageId } = await sendTo('someone@example.com');
    const store = (await (await fetch(url('/store'))).json()) as { emails: Array<{ messageId: string }> };
    expect(store.emails.map((e) => e.messageId)).toEqual([MessageId]);
  });

  it('answers the throttled share with TooManyRequestsException, as the SDK knows it', async () => {
    draws = [0.05];
    const error = await sendTo('someone@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect((error as TooManyRequestsException).$metadata.httpStatusCode).toBe(429);
  });

  it('answers the 5xx share with 500 or 503 server faults', async () => {
    draws = [0.12, 0.18];
    for (const status of [500, 503]) {
      const error = (await sendTo('someone@example.com').catch((e: unknown) => e)) as {
        $fault: string;
        $metadata: { httpStatusCode: number };
      };
      expect(error.$fault).toBe('server');
      expect(error.$metadata.httpStatusCode).toBe(status);
    }
  });

  it('rejects reject.mailroom.test recipients with MessageRejected and stores nothing', async () => {
    await expect(sendTo('x@reject.mailroom.test')).rejects.toBeInstanceOf(MessageRejected);
    const store = (await (await fetch(url('/store'))).json()) as { emails: unknown[] };
    expect(store.emails).toHaveLength(0);
  });

  it('records the events simulator addresses imply, under the SES message id', async () => {
    const bounced = await sendTo('bounce@simulator.amazonses.com');
    await sendTo('success@simulator.amazonses.com');
    await sendTo('suppressionlist@simulator.amazonses.com');
    const { events } = (await (await fetch(url('/simulator-events'))).json()) as {
      events: Array<{ type: string; providerMessageId: string }>;
    };
    expect(events.map((e) => e.type)).toEqual(['bounce', 'suppressed']);
    expect(events[0]).toEqual(
      expect.objectContaining({ provider: 'ses', providerMessageId: bounced.MessageId }),
    );
  });

  it('answers GetAccount with a send quota the rate budget can read', async () => {
    const { SendQuota } = await client.send(new GetAccountCommand({}));
    expect(SendQuota?.MaxSendRate).toBeGreaterThan(0);
  });

  it('finds the recipients of a raw message in its headers', () => {
    const mime =
      'From: a@example.com\r\nTo: "B" <b@example.com>,\r\n c@reject.mailroom.test\r\nSubject: x\r\n\r\nTo: not@header.com';
    expect(rawRecipients(mime)).toEqual(['b@example.com', 'c@reject.mailroom.test']);
  });

  const sendToAll = (to: string[], cc: string[] = []) =>
    client.send(
      new SendEmailCommand({
        FromEmailAddress: 'app@example.com',
        Destination: { ToAddresses: to, CcAddresses: cc },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
      }),
    );

  /** The stand-in's clock (Date.now) frozen at `start` and moved by hand: no test races the real clock. */
  function frozenClock(start = Date.parse('2026-03-01T00:00:00Z')) {
    let now = start;
    const spy = jest.spyOn(Date, 'now').mockImplementation(() => now);
    return { advance: (ms: number) => void (now += ms), restore: () => spy.mockRestore() };
  }

  it('counts every recipient (to, cc, bcc) against the per-second quota, as SES does', async () => {
    const clock = frozenClock();
    ses.setMaxSendRate(3);
    try {
      const before = ses.stats();
      await sendToAll(['a@example.com', 'b@example.com'], ['c@example.com']); // 3 units: the window is full
      await expect(sendTo('d@example.com')).rejects.toBeInstanceOf(TooManyRequestsException);
      clock.advance(999);
      await expect(sendTo('d@example.com')).rejects.toBeInstanceOf(TooManyRequestsException);
      clock.advance(1); // the 3 recipients leave the window 1000 ms after they were sent
      await sendToAll(['d@example.com', 'e@example.com']);
      await expect(sendToAll(['f@example.com', 'g@example.com'])).rejects.toBeInstanceOf(
        TooManyRequestsException,
      );
      await sendTo('f@example.com');
      expect(ses.stats().recipients - before.recipients).toBe(6);
      expect(ses.stats().throttledOverQuota - before.throttledOverQuota).toBe(3);
    } finally {
      ses.setMaxSendRate(undefined);
      clock.restore();
    }
  });

  it('lets a mail with more recipients than the per-second rate through only into an empty window', async () => {
    const clock = frozenClock();
    ses.setMaxSendRate(2);
    try {
      await sendTo('a@example.com');
      const five = ['b', 'c', 'd', 'e', 'f'].map((l) => `${l}@example.com`);
      await expect(sendToAll(five)).rejects.toBeInstanceOf(TooManyRequestsException);
      clock.advance(1000);
      await sendToAll(five);
      await expect(sendTo('g@example.com')).rejects.toBeInstanceOf(TooManyRequestsException);
    } finally {
      ses.setMaxSendRate(undefined);
      clock.restore();
    }
  });

  it('refuses sends over the 24-hour quota, counted in recipients, and reports it in GetAccount', async () => {
    const clock = frozenClock();
    ses.setMax24HourSend(4);
    try {
      const before = ses.stats();
      await sendToAll(['a@example.com', 'b@example.com', 'c@example.com']);
      const error = await sendToAll(['d@example.com', 'e@example.com']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TooManyRequestsException);
      expect((error as Error).message).toBe('Daily message quota exceeded.');
      await sendTo('d@example.com');
      const { SendQuota } = await client.send(new GetAccountCommand({}));
      expect(SendQuota).toMatchObject({ Max24HourSend: 4, SentLast24Hours: 4 });
      clock.advance(24 * 3600 * 1000 - 1);
      await expect(sendTo('e@example.com')).rejects.toBeInstanceOf(TooManyRequestsException);
      clock.advance(1);
      await sendTo('e@example.com');
      expect(ses.stats().throttledOverDailyQuota - before.throttledOverDailyQuota).toBe(2);
    } finally {
      ses.setMax24HourSend(50_000);
      clock.restore();
    }
  });

  it('throttles sends over its quota in any one-second window and reports the quota in GetAccount', async () => {
    ses.setMaxSendRate(3);
    try {
      const account = await client.send(new GetAccountCommand({}));
      expect(account.SendQuota?.MaxSendRate).toBe(3);
      const before = ses.stats();
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => sendTo('someone@example.com')));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      const throttled = results
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason);
      expect(throttled).toHaveLength(2);
      for (const error of throttled) expect(error).toBeInstanceOf(TooManyRequestsException);
      expect(ses.stats().throttledOverQuota - before.throttledOverQuota).toBe(2);
      expect(ses.stats().accepted - before.accepted).toBe(3);
    } finally {
      ses.setMaxSendRate(undefined);
    }
  });
});
