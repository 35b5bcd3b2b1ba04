import { type DedupeLock, type MessageStore } from '@mailroom/core';
import { DynamoDedupeLock, createDynamoDocumentClient } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { RetryLaterError, sendMessage, type SendDeps } from '../../src/send-message';
import { createSendDeps } from '../../src/wiring';
import { outboundConfigFor, queueMessage, record, sesMailbox } from '../support/cloud';

jest.setTimeout(120_000);

describe('send use case (DynamoDB Local, SES stand-in)', () => {
  let cloud: LocalCloud;
  let deps: SendDeps;
  let delays: { handle: string; seconds: number }[];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    const config = outboundConfigFor(cloud, {
      MAILROOM_SES_MAX_SEND_RATE: '1000',
      MAILROOM_LOCK_LEASE_MS: '1500',
      MAILROOM_RETRY_BASE_SECONDS: '2',
      MAILROOM_RETRY_CAP_SECONDS: '30',
    });
    const real = await createSendDeps(config);
    deps = {
      ...real,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      delay: async (handle, seconds) => void delays.push({ handle, seconds }),
    };
  });
  beforeEach(() => {
    delays = [];
    cloud.setFaults('');
  });
  afterAll(() => cloud?.stop());

  const messageOf = async (id: string) => (await deps.messages.getWithEvents(id))!;
  const eventTypes = async (id: string) => (await messageOf(id)).events.map((e) => e.type);

  it('sends a queued mail once and records it sent with the provider message id', async () => {
    const message = queueMessage();
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');

    const { message: stored } = await messageOf(message.id);
    expect(stored).toMatchObject({ status: 'sent', provider: 'ses', attempts: 1, lastError: null });
    expect(stored.providerMessageId).toEqual(expect.any(String));
    expect(await eventTypes(message.id)).toEqual(['queued', 'sending', 'sent']);
    const mails = await sesMailbox(cloud, message.subject);
    expect(mails.map((m) => m.messageId)).toEqual([stored.providerMessageId]);
  });

  it('consumes a second delivery of a sent record without sending again', async () => {
    const message = queueMessage();
    await sendMessage(record(message), deps);
    await expect(sendMessage(record(message, 2), deps)).resolves.toBe('duplicate');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  it('sends once when two deliveries of the same record run at the same time', async () => {
    const message = queueMessage();
    const outcomes = await Promise.allSettled([
      sendMessage(record(message), deps),
      sendMessage(record(message), deps),
    ]);
    const sent = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'sent');
    const retried = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof RetryLaterError);
    expect([sent.length, retried.length]).toEqual([1, 1]);
    expect(delays).toHaveLength(1);
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  it('consumes a record that is not JSON instead of looping on it', async () => {
    await expect(sendMessage(record('{not json'), deps)).resolves.toBe('rejected');
    expect(delays).toEqual([]);
  });

  it('marks a known message rejected when its record fails validation', async () => {
    const valid = queueMessage();
    await sendMessage(record(valid), deps); // records the message
    const invalid = { ...valid, to: [], subject: 'broken\r\nBcc: x@evil.example' };
    await expect(sendMessage(record(invalid), deps)).resolves.toBe('rejected');
    const { message } = await messageOf(valid.id);
    expect(message.status).toBe('rejected');
    expect(message.lastError).toMatch(/to|subject/);
  });

  it('consumes a record for an unknown tenant without sending', async () => {
    const message = queueMessage({ tenantId: 'nobody-here' });
    await expect(sendMessage(record(message), deps)).resolves.toBe('rejected');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(0);
    expect(await deps.messages.get(message.id)).toBeUndefined();
  });

  it('suppresses mail whose every recipient is on the suppression list', async () => {
    await deps.suppressions.suppress('acme', 'Gone@Example.com', 'bounce');
    const message = queueMessage({ to: ['gone@example.com'] });
    await expect(sendMessage(record(message), deps)).resolves.toBe('suppressed');
    expect((await messageOf(message.id)).message.status).toBe('suppressed');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(0);
  });

  it('keeps a sent mail sent when its recipient is suppressed before a redelivery', async () => {
    const message = queueMessage({ to: ['later-bounced@example.com'] });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    await deps.suppressions.suppress('acme', 'later-bounced@example.com', 'bounce');
    await expect(sendMessage(record(message, 2), deps)).resolves.toBe('duplicate');
    expect((await messageOf(message.id)).message.status).toBe('sent');
  });

  it('drops suppressed recipients and sends to the others', async () => {
    await deps.suppressions.suppress('acme', 'blocked@example.com', 'complaint');
    const message = queueMessage({ to: ['blocked@example.com', 'ok@example.com'], cc: ['cc@example.com'] });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    const [mail] = await sesMailbox(cloud, message.subject);
    expect(mail?.destination.to).toEqual(['ok@example.com']);
    expect(mail?.destination.cc).toEqual(['cc@example.com']);
    expect(await eventTypes(message.id)).toContain('suppressed_recipients');
  });

  it('fails a permanently rejected mail after one attempt, without a retry', async () => {
    const message = queueMessage({ to: ['someone@reject.mailroom.test'] });
    await expect(sendMessage(record(message), deps)).resolves.toBe('failed');
    const { message: stored } = await messageOf(message.id);
    expect(stored).toMatchObject({ status: 'failed', attempts: 1 });
    expect(stored.lastError).toMatch(/reject/i);
    expect(delays).toEqual([]);
    expect(await eventTypes(message.id)).not.toContain('retry_scheduled');
  });

  it('releases the lock and pushes the record out with backoff when SES throttles', async () => {
    cloud.setFaults('ses.throttle=1');
    const message = queueMessage();
    const error = await sendMessage(record(message, 3), deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    // receive 3 → attempt 2: full jitter over [0, 2 s · 2²].
    expect(delays).toHaveLength(1);
    expect(delays[0]!.seconds).toBeGreaterThanOrEqual(0);
    expect(delays[0]!.seconds).toBeLessThanOrEqual(8);
    const { message: stored } = await messageOf(message.id);
    expect(stored.status).toBe('queued');
    expect(stored.lastError).toMatch(/throttl|TooManyRequests/i);
    expect(await eventTypes(message.id)).toEqual(['queued', 'sending', 'retry_scheduled']);

    cloud.setFaults('');
    await expect(sendMessage(record(message, 4), deps)).resolves.toBe('sent');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  it('marks a mail failed on its last delivery and hands the record back for the DLQ', async () => {
    cloud.setFaults('ses.5xx=1');
    const message = queueMessage();
    const error = await sendMessage(record(message, 10), deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryLaterError);
    expect((error as RetryLaterError).delaySeconds).toBe(0);
    expect(delays.map((d) => d.seconds)).toEqual([0]);
    const { message: stored } = await messageOf(message.id);
    expect(stored.status).toBe('failed');
    expect(stored.lastError).toMatch(/retryable|InternalFailure|ServiceUnavailable|5\d\d/i);
  });

  it('sends a mail once its crashed sender’s lease has expired (crash after acquire, before send)', async () => {
    const message = queueMessage();
    // A worker took the lock and died before sending: nobody completes or releases it.
    const crashed: DedupeLock = new DynamoDedupeLock(
      createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb }),
      cloud.outputs.outbound.MessagesTableName!,
    );
    const claim = await crashed.acquire({ tenantId: 'acme', idempotencyKey: message.id }, { leaseMs: 1500 });
    expect(claim.state).toBe('acquired');

    await expect(sendMessage(record(message, 2), deps)).rejects.toBeInstanceOf(RetryLaterError);
    expect(delays[0]!.seconds).toBeGreaterThanOrEqual(1);
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(0);

    await sleep(1600);
    await expect(sendMessage(record(message, 3), deps)).resolves.toBe('sent');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  // The process dies right after the provider accepted the mail, before anything is recorded: the lock
  // stays in progress. Once where the lock completes inside the `sent` transaction (the real wiring),
  // once with a lock that completes on its own write (any DedupeLock without JoinableCompletion).
  const crashes: [string, () => SendDeps][] = [
    [
      'in the joint sent + lock write',
      () => ({
        ...deps,
        messages: Object.assign(Object.create(deps.messages) as MessageStore, {
          transition: (...args: Parameters<MessageStore['transition']>) =>
            args[2].status === 'sent'
              ? Promise.reject(new Error('process killed'))
              : deps.messages.transition(...args),
        }),
      }),
    ],
    [
      'in a lock’s own complete',
      () => ({
        ...deps,
        lock: {
          acquire: (key, options) => deps.lock.acquire(key, options),
          release: (key, owner) => deps.lock.release(key, owner),
          complete: async () => {
            throw new Error('process killed');
          },
        },
      }),
    ],
  ];
  it.each(crashes)(
    'sends at most one duplicate when the sender crashes after sending, before completing the lock (%s)',
    async (_where, crashing) => {
      const message = queueMessage();
      await expect(sendMessage(record(message), crashing())).rejects.toThrow('process killed');
      expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);

      // While the lease lasts, redeliveries wait instead of sending again.
      await expect(sendMessage(record(message, 2), deps)).rejects.toBeInstanceOf(RetryLaterError);
      expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);

      // After it, the mail is sent a second time (the one duplicate), and never again.
      await sleep(1600);
      await expect(sendMessage(record(message, 3), deps)).resolves.toBe('sent');
      await expect(sendMessage(record(message, 4), deps)).resolves.toBe('duplicate');
      expect(await sesMailbox(cloud, message.subject)).toHaveLength(2);
    },
  );

  it('records a mail sent even when its lease was taken over mid-send, and leaves the lock to the successor', async () => {
    const message = queueMessage();
    const slow: SendDeps = {
      ...deps,
      providers: {
        ses: {
          name: 'ses',
          send: async (mail, credentials) => {
            // The lease (1.5 s here) runs out while the provider call hangs, and a redelivery takes over.
            await sleep(1600);
            await expect(sendMessage(record(message, 2), deps)).resolves.toBe('sent');
            return deps.providers.ses!.send(mail, credentials);
          },
        },
      },
    };
    await expect(sendMessage(record(message), slow)).resolves.toBe('sent');
    // Two sends (the lease rule was broken on purpose), both recorded; the successor's completion stands.
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(2);
    const { message: stored, events } = await messageOf(message.id);
    expect(stored.status).toBe('sent');
    expect(events.filter((e) => e.type === 'sent')).toHaveLength(2);
    await expect(sendMessage(record(message, 3), deps)).resolves.toBe('duplicate');
  });

  it('loads uploaded attachments for their own tenant only', async () => {
    const foreign = queueMessage({
      attachments: [
        { filename: 'a.txt', contentType: 'text/plain', key: 'globex/01J00000000000000000000000/a.txt' },
      ],
    });
    await expect(sendMessage(record(foreign), deps)).resolves.toBe('failed');
    expect((await messageOf(foreign.id)).message.lastError).toMatch(/does not belong/);
    expect(await sesMailbox(cloud, foreign.subject)).toHaveLength(0);
  });

  it('sends an attachment uploaded through its presigned URL', async () => {
    const { createAttachmentUpload } = await import('../../src/create-attachment-upload');
    const { AttachmentsBucket } = await import('../../src/adapters/attachments');
    const { createS3Client } = await import('@mailroom/core/aws');
    // As wiring.ts builds it: the local cloud refuses uploads through URLs that sign in a checksum.
    const s3 = createS3Client({
      region: 'us-east-1',
      endpoint: cloud.endpoints.aws,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const bucket = new AttachmentsBucket(s3, cloud.outputs.outbound.AttachmentsBucketName!);
    const pdf = Buffer.from('%PDF-1.4 invoice');
    const upload = await createAttachmentUpload(
      'acme',
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: pdf.length },
      bucket,
    );
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      body: pdf,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(put.status).toBe(200);
    expect(await bucket.size('acme', upload.key)).toBe(pdf.length);

    const message = queueMessage({
      attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', key: upload.key }],
    });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    const [mail] = await sesMailbox(cloud, message.subject);
    expect(mail?.attachments).toEqual([
      expect.objectContaining({ filename: 'invoice.pdf', size: pdf.length }),
    ]);
    s3.destroy();
  });

  it('sends inline attachments', async () => {
    const message = queueMessage({
      attachments: [
        { filename: 'hello.txt', contentType: 'text/plain', content: Buffer.from('hi!').toString('base64') },
      ],
    });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    const [mail] = await sesMailbox(cloud, message.subject);
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['hello.txt']);
  });

  it('sends through SendGrid with the message id as a custom arg when the message asks for it', async () => {
    const message = queueMessage({ provider: 'sendgrid', tags: { campaign: 'welcome' } });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    const store = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
      emails: { body: { subject: string; custom_args?: Record<string, string>; categories?: string[] } }[];
    };
    const mail = store.emails.find((e) => e.body.subject === message.subject);
    expect(mail?.body.custom_args).toEqual({ mailroom_message_id: message.id });
    expect(mail?.body.categories).toEqual(['campaign:welcome']);
    expect((await messageOf(message.id)).message).toMatchObject({ status: 'sent', provider: 'sendgrid' });
  });

  it('schedules a retry when SendGrid answers 429, and sends once it accepts again', async () => {
    cloud.setFaults('sendgrid.throttle=1');
    const message = queueMessage({ provider: 'sendgrid' });
    await expect(sendMessage(record(message), deps)).rejects.toBeInstanceOf(RetryLaterError);
    const { message: stored } = await messageOf(message.id);
    expect(stored.status).toBe('queued');
    expect(stored.lastError).toMatch(/429|throttl|Too Many/i);

    cloud.setFaults('');
    await expect(sendMessage(record(message, 2), deps)).resolves.toBe('sent');
    const store = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
      emails: { body: { subject: string } }[];
    };
    expect(store.emails.filter((e) => e.body.subject === message.subject)).toHaveLength(1);
  });
});
