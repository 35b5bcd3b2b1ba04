import { createSesV2Client } from '@mailroom/core/aws';
import { silentServer, type LoopbackServer } from '@mailroom/core/testing';
import { SendGridProvider } from '../../src/providers/sendgrid';
import { SesProvider } from '../../src/providers/ses';
import { ByteBudget } from '../../src/send/byte-budget';
import { RetryLaterError, sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

const TIMEOUT_MS = 100;

const lockOf = (t: Twins, id: string) =>
  t.lock.view().acquire({ tenantId: 'acme', idempotencyKey: id }, { leaseMs: 1, now: t.clock.now() });

describe('a provider call that times out (the provider may have the mail)', () => {
  let silent: LoopbackServer;
  let t: Twins;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => {
    await silent.close();
  });
  beforeEach(() => {
    t = twins();
  });

  const stored = async (id: string) => (await t.messages.getWithEvents(id))!;

  /** What the outcome-unknown path promises: the lock kept, the next attempt only after the lease. */
  async function expectOutcomeUnknown(message: ReturnType<typeof queueMessage>) {
    const error = (await sendMessage(record(message), t.deps).catch((e: unknown) => e)) as RetryLaterError;
    expect(error).toBeInstanceOf(RetryLaterError);
    expect(error.delaySeconds).toBeGreaterThan(120); // the lease (120 s), not the 0–2 s backoff
    expect((await stored(message.id)).message).toMatchObject({
      status: 'queued',
      lastError: expect.stringMatching(/^PROVIDER\.OUTCOME_UNKNOWN: /),
    });
    await expect(lockOf(t, message.id)).resolves.toMatchObject({ state: 'in_progress' });
    // A copy of the record arriving meanwhile is not sent either.
    await expect(sendMessage(record(message, 2), { ...t.deps, lock: t.lock.view() })).rejects.toBeInstanceOf(
      RetryLaterError,
    );
    return error;
  }

  it('SES: the client built with the provider timeout gives up, and the lock is kept until its lease ends', async () => {
    const ses = createSesV2Client({
      region: 'us-east-1',
      endpoint: silent.url,
      maxAttempts: 1,
      requestTimeoutMs: TIMEOUT_MS,
    });
    const bytes = new ByteBudget(100);
    t.deps.bytesInFlight = bytes;
    t.deps.providers = { ...t.deps.providers, ses: new SesProvider(ses) };
    const message = queueMessage({
      attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: 'aGVsbG8=' }],
    });
    const error = await expectOutcomeUnknown(message);
    expect(bytes.held).toBe(0);
    ses.destroy();

    // After the lease the next delivery takes the lock over and sends.
    t.deps.providers = { ...t.deps.providers, ses: t.ses };
    t.clock.advance(error.delaySeconds * 1000);
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('sent');
    expect(t.ses.sent).toHaveLength(1);
  });

  it('SendGrid: the provider timeout ends the call the same way', async () => {
    t.deps.providers = {
      ...t.deps.providers,
      sendgrid: new SendGridProvider({ apiKey: 'SG.test', baseUrl: silent.url, timeoutMs: TIMEOUT_MS }),
    };
    await expectOutcomeUnknown(queueMessage({ provider: 'sendgrid' }));
  });
});
