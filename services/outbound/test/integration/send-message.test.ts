import { type MessageStore } from '@mailroom/core';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { RetryLaterError, sendMessage, type SendDeps } from '../../src/send-message';
import { createSendDeps } from '../../src/wiring';
import { outboundConfigFor, queueMessage, record, sesMailbox } from '../support/cloud';

jest.setTimeout(120_000);

/**
 * The send use case on the real adapters: DynamoDB Local (conditional writes, the joint sent + lock
 * transaction), the SES and SendGrid stand-ins (their answers, mapped to core's typed errors), S3 for
 * attachments and stored requests. The use case's own rules run faster on in-memory twins:
 * test/unit/send-message.test.ts and its neighbours.
 */
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

  it.each(['ses', 'sendgrid'] as const)(
    'rejects a queue record from a domain the tenant has not verified, sending nothing (%s)',
    async (provider) => {
      const message = queueMessage({ from: 'billing@globex.example', provider });
      await expect(sendMessage(record(message), deps)).resolves.toBe('rejected');
      const { message: stored } = await messageOf(message.id);
      expect(stored).toMatchObject({
        status: 'rejected',
        attempts: 0,
        lastError: expect.stringMatching(/^SENDER\.DOMAIN_NOT_VERIFIED: /),
      });
      expect(await eventTypes(message.id)).toEqual(['queued', 'rejected']);
      expect(await sesMailbox(cloud, message.subject)).toHaveLength(0);
      const sendgrid = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
        emails: { body: { subject: string } }[];
      };
      expect(sendgrid.emails.filter((e) => e.body.subject === message.subject)).toHaveLength(0);
      expect(delays).toEqual([]);
    },
  );

  it('sends from a subdomain of a verified domain', async () => {
    const message = queueMessage({ from: { email: 'news@mail.acme.example', name: 'ACME News' } });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  it('fails, once and for good, mail SES itself refuses for an unverified sender', async () => {
    // Past Mailroom's own check (a domain recorded verified that SES no longer has, say), SES's rule holds.
    // SES knows no tenants: globex.example would pass it, which is why Mailroom checks first.
    const message = queueMessage({ from: 'billing@nobody.example' });
    const unchecked = { ...deps, checkSender: async () => undefined };
    await expect(sendMessage(record(message), unchecked)).resolves.toBe('failed');
    const { message: stored } = await messageOf(message.id);
    // lastError names the code and SES's error, never SES's text (which names the identity and region).
    expect(stored.lastError).toMatch(/^PROVIDER\.REJECTED: .*\(SES MessageRejected\)$/);
    expect(delays).toEqual([]);
  });

  it('fails a permanently rejected mail after one attempt, without a retry', async () => {
    const message = queueMessage({ to: ['someone@reject.mailroom.test'] });
    await expect(sendMessage(record(message), deps)).resolves.toBe('failed');
    const { message: stored } = await messageOf(message.id);
    expect(stored).toMatchObject({ status: 'failed', attempts: 1 });
    expect(stored.lastError).toBe('PROVIDER.REJECTED: the provider rejected this mail (SES MessageRejected)');
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
    expect(stored.lastError).toMatch(/^PROVIDER\.THROTTLED: .*\(SES TooManyRequestsException\)$/);
    expect(await eventTypes(message.id)).toEqual(['queued', 'sending', 'retry_scheduled']);

    cloud.setFaults('');
    await expect(sendMessage(record(message, 4), deps)).resolves.toBe('sent');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  // The process dies right after the provider accepted the mail, before anything is recorded: the lock
  // stays in progress (the real wiring, where the lock completes inside the `sent` transaction).
  it('sends at most one duplicate when the sender crashes after sending, before the joint sent + lock write', async () => {
    const crashing: SendDeps = {
      ...deps,
      messages: Object.assign(Object.create(deps.messages) as MessageStore, {
        transition: (...args: Parameters<MessageStore['transition']>) =>
          args[2].status === 'sent'
            ? Promise.reject(new Error('process killed'))
            : deps.messages.transition(...args),
      }),
    };
    const message = queueMessage();
    await expect(sendMessage(record(message), crashing)).rejects.toThrow('process killed');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);

    // While the lease lasts, redeliveries wait instead of sending again.
    await expect(sendMessage(record(message, 2), deps)).rejects.toBeInstanceOf(RetryLaterError);
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);

    // After it, the mail is sent a second time (the one duplicate), and never again.
    await sleep(1600);
    await expect(sendMessage(record(message, 3), deps)).resolves.toBe('sent');
    await expect(sendMessage(record(message, 4), deps)).resolves.toBe('duplicate');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(2);
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

  it('sends through SendGrid with the message id as a custom arg when the message asks for it', async () => {
    const message = queueMessage({ provider: 'sendgrid', tags: { campaign: 'welcome' } });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    const store = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
      emails: { body: { subject: string; custom_args?: Record<string, string>; categories?: string[] } }[];
    };
    const mail = store.emails.find((e) => e.body.subject === message.subject);
    expect(mail?.body.custom_args).toEqual({
      mailroom_message_id: message.id,
      mailroom_tenant_id: message.tenantId,
    });
    expect(mail?.body.categories).toEqual(['campaign:welcome']);
    expect((await messageOf(message.id)).message).toMatchObject({ status: 'sent', provider: 'sendgrid' });
  });

  it('schedules a retry when SendGrid answers 429, and sends once it accepts again', async () => {
    cloud.setFaults('sendgrid.throttle=1');
    const message = queueMessage({ provider: 'sendgrid' });
    await expect(sendMessage(record(message), deps)).rejects.toBeInstanceOf(RetryLaterError);
    const { message: stored } = await messageOf(message.id);
    expect(stored.status).toBe('queued');
    expect(stored.lastError).toMatch(/^PROVIDER\.THROTTLED: .*\(SendGrid 429\)$/);

    cloud.setFaults('');
    await expect(sendMessage(record(message, 2), deps)).resolves.toBe('sent');
    const store = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
      emails: { body: { subject: string } }[];
    };
    expect(store.emails.filter((e) => e.body.subject === message.subject)).toHaveLength(1);
  });
});
