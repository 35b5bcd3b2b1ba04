import { MessageRejected, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { newId } from '@mailroom/core';
import { RetryLaterError, sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

const sesError = (
  Cls: typeof MessageRejected | typeof TooManyRequestsException,
  status: number,
  message = '',
) => new Cls({ $metadata: { httpStatusCode: status }, message });

/** The send use case on in-memory twins and fake providers (the emulator-backed suite is in test/integration). */
describe('send use case (in-memory twins)', () => {
  let t: Twins;
  beforeEach(() => {
    t = twins();
  });

  const stored = async (id: string) => (await t.messages.getWithEvents(id))!;
  const types = async (id: string) => (await stored(id)).events.map((e) => e.type);

  it('sends a queued mail once and records it sent with the provider message id', async () => {
    const message = queueMessage({ cc: ['cc@example.com'], bcc: ['bcc@example.com'] });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    const { message: m } = await stored(message.id);
    expect(m).toMatchObject({
      status: 'sent',
      provider: 'ses',
      providerMessageId: 'ses-1',
      attempts: 1,
      lastError: null,
    });
    expect(await types(message.id)).toEqual(['queued', 'sending', 'sent']);
    expect(t.ses.sent.map((s) => [s.mail.messageId, s.mail.cc, s.mail.bcc])).toEqual([
      [message.id, [{ email: 'cc@example.com' }], [{ email: 'bcc@example.com' }]],
    ]);
  });

  it('keeps the full request of a record put straight on the queue', async () => {
    const message = queueMessage({ html: '<p>hi</p>', bcc: ['b@example.com'] });
    await sendMessage(record(message), t.deps);
    await expect(t.requests.get('acme', message.id)).resolves.toEqual(message);
  });

  it('consumes a second delivery of a sent record without sending again', async () => {
    const message = queueMessage();
    await sendMessage(record(message), t.deps);
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('duplicate');
    expect(t.ses.sent).toHaveLength(1);
  });

  it('sends once when two deliveries of the same record run at the same time', async () => {
    const message = queueMessage();
    const other = { ...t.deps, lock: t.lock.view() };
    const outcomes = await Promise.allSettled([
      sendMessage(record(message), t.deps),
      sendMessage(record(message), other),
    ]);
    const sent = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'sent');
    const retried = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof RetryLaterError);
    expect([sent.length, retried.length]).toEqual([1, 1]);
    // The second waits for the first one's lease (120 s here), then finds the mail sent.
    expect(t.delays.map((d) => d.seconds)).toEqual([120]);
    expect(t.ses.sent).toHaveLength(1);
  });

  it('consumes a record that is not JSON instead of looping on it', async () => {
    await expect(sendMessage(record('{not json'), t.deps)).resolves.toBe('rejected');
    expect(t.delays).toEqual([]);
  });

  it('marks a known message rejected, with its code, when its record fails validation', async () => {
    const valid = queueMessage();
    await sendMessage(record(valid), t.deps);
    const invalid = { ...valid, to: [], subject: 'broken\r\nBcc: x@evil.example' };
    await expect(sendMessage(record(invalid), t.deps)).resolves.toBe('rejected');
    const { message } = await stored(valid.id);
    expect(message.status).toBe('rejected');
    expect(message.lastError).toMatch(/^REQUEST\.INVALID: .*(to|subject)/);
  });

  it('records a record for an unknown tenant rejected (TENANT.UNKNOWN) under that tenant, without sending', async () => {
    const message = queueMessage({ tenantId: 'nobody-here' });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('rejected');
    expect(t.ses.sent).toEqual([]);
    const { message: m, events } = await stored(message.id);
    expect(m).toMatchObject({
      tenantId: 'nobody-here',
      status: 'rejected',
      lastError: 'TENANT.UNKNOWN: no tenant nobody-here exists',
    });
    expect(events.map((e) => e.type)).toEqual(['queued', 'rejected']);
    expect(t.counts).toEqual(['UnknownTenantRecords']);
    // A redelivery changes nothing.
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('rejected');
    expect(await types(message.id)).toEqual(['queued', 'rejected']);
  });

  it('suppresses mail whose every recipient is on the suppression list, and consumes its redelivery', async () => {
    await t.suppressions.suppress('acme', 'Gone@Example.com', 'bounce');
    const message = queueMessage({ to: ['gone@example.com'] });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('suppressed');
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('duplicate');
    expect(await types(message.id)).toEqual(['queued', 'suppressed']);
    expect(t.ses.sent).toEqual([]);
  });

  it('keeps a sent mail sent when its recipient is suppressed before a redelivery', async () => {
    const message = queueMessage({ to: ['later-bounced@example.com'] });
    await sendMessage(record(message), t.deps);
    await t.suppressions.suppress('acme', 'later-bounced@example.com', 'bounce');
    await expect(sendMessage(record(message, 2), t.deps)).resolves.toBe('duplicate');
    expect((await stored(message.id)).message.status).toBe('sent');
  });

  it('drops suppressed recipients and sends to the others', async () => {
    await t.suppressions.suppress('acme', 'blocked@example.com', 'complaint');
    const message = queueMessage({ to: ['blocked@example.com', 'ok@example.com'], cc: ['cc@example.com'] });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    expect(t.ses.sent[0]!.mail.to).toEqual([{ email: 'ok@example.com' }]);
    expect(await types(message.id)).toContain('suppressed_recipients');
  });

  it('fails a permanently rejected mail after one attempt, with a code and no provider text', async () => {
    t.ses.next({
      error: sesError(
        MessageRejected,
        400,
        'Email address is not verified. arn:aws:ses:us-east-1:123456789012:identity/x',
      ),
    });
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('failed');
    const { message: m } = await stored(message.id);
    expect(m).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'PROVIDER.REJECTED: the provider rejected this mail (SES MessageRejected)',
    });
    expect(t.delays).toEqual([]);
    expect(await types(message.id)).toEqual(['queued', 'sending', 'failed']);
  });

  // The e2e flake: a record delivered twice, the second copy after the first one's permanent failure.
  it('consumes a duplicate delivery of a permanently failed mail without another attempt', async () => {
    t.ses.next({ error: sesError(MessageRejected, 400) });
    const message = queueMessage();
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('failed');
    await expect(sendMessage(record(message), { ...t.deps, lock: t.lock.view() })).resolves.toBe('duplicate');
    expect((await stored(message.id)).message.attempts).toBe(1);
    expect(await types(message.id)).toEqual(['queued', 'sending', 'failed']);
  });

  it('releases the lock and pushes the record out with backoff when SES throttles, then sends', async () => {
    t.ses.next({ error: sesError(TooManyRequestsException, 429) });
    const message = queueMessage();
    const error = await sendMessage(record(message, 3), t.deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    // receive 3 → attempt 2: full jitter over [0, 2 s · 2²].
    expect(t.delays).toHaveLength(1);
    expect(t.delays[0]!.seconds).toBeLessThanOrEqual(8);
    const { message: m, events } = await stored(message.id);
    expect(m).toMatchObject({
      status: 'queued',
      lastError:
        'PROVIDER.THROTTLED: the provider asked Mailroom to slow down (SES TooManyRequestsException)',
    });
    expect(events.at(-1)).toMatchObject({ type: 'retry_scheduled', data: { code: 'PROVIDER.THROTTLED' } });

    await expect(sendMessage(record(message, 4), t.deps)).resolves.toBe('sent');
    expect(t.ses.sent).toHaveLength(1);
  });

  it('marks a mail failed on its last delivery and hands the record back for the DLQ; a redrive sends it', async () => {
    t.ses.next({
      error: Object.assign(new Error('boom'), {
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    });
    const message = queueMessage();
    const error = await sendMessage(record(message, 10), t.deps).catch((e: unknown) => e);
    expect((error as RetryLaterError).delaySeconds).toBe(0);
    expect(t.delays.map((d) => d.seconds)).toEqual([0]);
    expect((await stored(message.id)).message).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^PROVIDER\.UNAVAILABLE: /),
    });

    // Redriven (a new record, receive count 1): the lock is free and the mail goes out.
    await expect(sendMessage(record(message, 1), t.deps)).resolves.toBe('sent');
    expect((await stored(message.id)).message.status).toBe('sent');
  });

  it('sends a mail once its crashed sender’s lease has expired (crash after acquire, before send)', async () => {
    const message = queueMessage();
    const crashed = t.lock.view();
    const claim = await crashed.acquire(
      { tenantId: 'acme', idempotencyKey: message.id },
      { leaseMs: 120_000, now: t.clock.now() },
    );
    expect(claim.state).toBe('acquired');

    await expect(sendMessage(record(message, 2), t.deps)).rejects.toBeInstanceOf(RetryLaterError);
    expect(t.delays[0]!.seconds).toBe(120);
    expect(t.ses.sent).toEqual([]);

    t.clock.advance(121_000);
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('sent');
    expect(t.ses.sent).toHaveLength(1);
  });

  it('records a mail sent even when its lease was taken over mid-send, and leaves the lock to the successor', async () => {
    const message = queueMessage();
    t.ses.next(async () => {
      // The lease runs out while the provider call hangs, and a redelivery takes over and sends.
      t.clock.advance(121_000);
      await expect(sendMessage(record(message, 2), { ...t.deps, lock: t.lock.view() })).resolves.toBe('sent');
      return { providerMessageId: 'slow-1' };
    });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    // Two sends (the lease rule was broken on purpose), both recorded; the successor's completion stands.
    expect(t.ses.sent).toHaveLength(2);
    const { message: m, events } = await stored(message.id);
    expect(m.status).toBe('sent');
    expect(events.filter((e) => e.type === 'sent')).toHaveLength(2);
    await expect(sendMessage(record(message, 3), t.deps)).resolves.toBe('duplicate');
  });

  it('loads uploaded attachments for their own tenant only', async () => {
    const foreign = queueMessage({
      attachments: [{ filename: 'a.txt', contentType: 'text/plain', key: `globex/${newId()}/a.txt` }],
    });
    await expect(sendMessage(record(foreign), t.deps)).resolves.toBe('failed');
    expect((await stored(foreign.id)).message.lastError).toMatch(/^REQUEST\.INVALID: .*does not belong/);
    expect(t.ses.sent).toEqual([]);
  });

  it('sends uploaded and inline attachments', async () => {
    const key = `acme/${newId()}/invoice.pdf`;
    t.uploads.set(key, Buffer.from('%PDF-1.4'));
    const message = queueMessage({
      attachments: [
        { filename: 'invoice.pdf', contentType: 'application/pdf', key },
        { filename: 'hello.txt', contentType: 'text/plain', content: Buffer.from('hi!').toString('base64') },
      ],
    });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('sent');
    expect(
      t.ses.sent[0]!.mail.attachments.map((a) => [a.filename, Buffer.from(a.content).toString()]),
    ).toEqual([
      ['invoice.pdf', '%PDF-1.4'],
      ['hello.txt', 'hi!'],
    ]);
  });

  it('fails a mail whose uploaded attachment has expired, saying so', async () => {
    const message = queueMessage({
      attachments: [
        { filename: 'gone.pdf', contentType: 'application/pdf', key: `acme/${newId()}/gone.pdf` },
      ],
    });
    await expect(sendMessage(record(message), t.deps)).resolves.toBe('failed');
    expect((await stored(message.id)).message.lastError).toMatch(/^REQUEST\.INVALID: attachment .* is gone$/);
  });

  it('sends through the provider the message, else the tenant, else the default asks for', async () => {
    t.tenants.set('globex', { provider: 'sendgrid' });
    await sendMessage(record(queueMessage({ provider: 'sendgrid' })), t.deps);
    await sendMessage(record(queueMessage({ tenantId: 'globex' })), t.deps);
    await sendMessage(record(queueMessage({ tenantId: 'globex', provider: 'ses' })), t.deps);
    expect([t.sendgrid.sent.length, t.ses.sent.length]).toEqual([2, 1]);
  });
});
