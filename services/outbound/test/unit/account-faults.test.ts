import { SendingPausedException, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { RetryLaterError, sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

const paused = () =>
  new SendingPausedException({
    $metadata: { httpStatusCode: 400 },
    message: 'Sending paused for this account.',
  });
const accessDenied = () =>
  new SESv2ServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message:
      'User: arn:aws:sts::123456789012:assumed-role/mailroom-prod-send/x is not authorized to perform: ses:SendEmail on resource: arn:aws:ses:us-east-1:123456789012:identity/acme.example',
  });
/** What @sendgrid/mail rejects with (see core's classify-error.test.ts). */
const sendGrid = (status: number) =>
  Object.assign(new Error('Unauthorized'), {
    code: status,
    response: {
      headers: {},
      body: { errors: [{ message: 'The provided authorization grant is invalid', field: null, help: null }] },
    },
  });

/** Account-level faults are not a verdict on the mail: long backoff, DLQ when exhausted, an alarm, recoverable. */
describe('account-level faults (in-memory twins)', () => {
  let t: Twins;
  beforeEach(() => {
    t = twins();
  });
  const retry = async (receiveCount: number, message = queueMessage()) => {
    const error = await sendMessage(record(message, receiveCount), t.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    return { message, seconds: (error as RetryLaterError).delaySeconds };
  };

  it('retries SES SendingPaused with a long backoff, counts it for the alarm, and frees the lock', async () => {
    t.ses.next({ error: paused() });
    const { message, seconds } = await retry(1);
    expect(seconds).toBe(60); // receive 1: the floor and the ceiling are both 60 s
    expect(t.counts).toEqual(['ProviderAccountFaults']);
    const stored = await t.messages.get(message.id);
    expect(stored).toMatchObject({
      status: 'queued',
      lastError:
        'PROVIDER.ACCOUNT: the provider account refused to send (not a problem with this mail) (SES SendingPausedException)',
    });
    // The lock was released: the next delivery sends at once, once the account is fixed.
    await expect(sendMessage(record(message, 2), { ...t.deps, lock: t.lock.view() })).resolves.toBe('sent');
  });

  it('waits between 60 s and min(900 s, 60 s · 2^attempt) on every receive before the last', async () => {
    for (let receive = 1; receive < 10; receive++) {
      t.ses.next({ error: paused() });
      const { seconds } = await retry(receive);
      expect(seconds).toBeGreaterThanOrEqual(60);
      expect(seconds).toBeLessThanOrEqual(Math.min(900, 60 * 2 ** (receive - 1)));
    }
  });

  it('fails the mail on its last receive with PROVIDER.ACCOUNT and parks it for the DLQ; a redrive sends it', async () => {
    t.ses.next({ error: paused() });
    const { message, seconds } = await retry(10);
    expect(seconds).toBe(0);
    await expect(t.messages.get(message.id)).resolves.toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^PROVIDER\.ACCOUNT: /),
    });
    await expect(sendMessage(record(message, 1), t.deps)).resolves.toBe('sent');
  });

  it('shows a tenant no ARN, account id or provider text of an access-denied answer', async () => {
    t.ses.next({ error: accessDenied() });
    const { message } = await retry(1);
    const { message: stored, events } = (await t.messages.getWithEvents(message.id))!;
    expect(stored.lastError).toBe(
      'PROVIDER.ACCOUNT: the provider account refused to send (not a problem with this mail) (SES AccessDeniedException)',
    );
    const shown = JSON.stringify({ stored, events });
    expect(shown).not.toMatch(/arn:|123456789012|not authorized/);
    // The detail is in the log, with the message id.
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        data: expect.objectContaining({ messageId: message.id, code: 'PROVIDER.ACCOUNT' }),
      }),
    );
  });

  it('retries a SendGrid 401 on the platform key as an account fault', async () => {
    t.sendgrid.next({ error: sendGrid(401) });
    const { message, seconds } = await retry(1, queueMessage({ provider: 'sendgrid' }));
    expect(seconds).toBe(60);
    await expect(t.messages.get(message.id)).resolves.toMatchObject({
      lastError: expect.stringMatching(/^PROVIDER\.ACCOUNT: .*\(SendGrid 401\)$/),
    });
  });

  it('fails at once when SendGrid refuses a tenant’s own key: the tenant’s to fix, not an account alarm', async () => {
    t.tenants.set('acme', { ownKey: 'SG.own' });
    t.sendgrid.next({ error: sendGrid(403) });
    const message = queueMessage({ provider: 'sendgrid' });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('failed');
    await expect(t.messages.get(message.id)).resolves.toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^TENANT\.PROVIDER_KEY: .*\(SendGrid 403\)$/),
    });
    expect(t.counts).toEqual([]);
  });

  it('retries a configuration error (a provider that is not configured) with the long backoff', async () => {
    t.deps.providers = { ses: t.ses };
    const { message, seconds } = await retry(1, queueMessage({ provider: 'sendgrid' }));
    expect(seconds).toBe(60);
    await expect(t.messages.get(message.id)).resolves.toMatchObject({
      lastError:
        'CONFIG.INVALID: Mailroom’s configuration kept this mail from being sent (not a problem with this mail)',
    });
    expect(t.counts).toEqual(['ProviderAccountFaults']);
  });
});
