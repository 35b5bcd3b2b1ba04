import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { sesMailbox } from '../support/cloud';

jest.setTimeout(240_000);

/**
 * The whole path, as deployed: HTTP → send queue → serverless-offline-sqs → send function →
 * SES stand-in, with faults injected into the provider; and a failed mail retried through the api
 * (POST /v1/messages/{id}/retry), sent exactly once more.
 */
describe('outbound end to end (serverless-offline)', () => {
  let cloud: LocalCloud;
  const acme = { Authorization: 'Bearer dev-acme-key', 'Content-Type': 'application/json' };

  beforeAll(async () => {
    cloud = await startLocalCloud({
      ports: 'auto',
      services: ['outbound', 'api'],
      env: { ...process.env, MAILROOM_RETRY_BASE_SECONDS: '0.2', MAILROOM_RETRY_CAP_SECONDS: '1' },
    });
  });
  afterAll(() => cloud?.stop());

  afterEach(() => cloud?.setFaults(''));

  const post = (body: unknown, key?: string) =>
    fetch(`http://localhost:${cloud.ports.outbound}/v1/messages`, {
      method: 'POST',
      headers: { ...acme, ...(key && { 'Idempotency-Key': key }) },
      body: JSON.stringify(body),
    });
  type Message = {
    status: string;
    attempts: number;
    lastError: string | null;
    providerMessageId: string | null;
    events: { type: string; data?: unknown }[];
  };
  const status = async (id: string): Promise<Message> => {
    const res = await fetch(`http://localhost:${cloud.ports.api}/v1/messages/${id}`, { headers: acme });
    if (res.ok) return (await res.json()) as Message;
    // Not a verdict on the mail: the read API answered with an error (say, overloaded); poll again.
    return {
      status: `HTTP ${res.status}`,
      attempts: 0,
      lastError: await res.text(),
      providerMessageId: null,
      events: [],
    };
  };
  /** Reads messages, a few at a time: the local API runs each request in a worker of its own. */
  async function readAll(ids: string[]) {
    const out: Message[] = [];
    for (let i = 0; i < ids.length; i += 5) out.push(...(await Promise.all(ids.slice(i, i + 5).map(status))));
    return out;
  }
  /**
   * Polls until every message is in one of `final`, or the bound runs out. Only the messages not yet
   * final are read again: a final status does not change here.
   */
  async function settle(ids: string[], final: string[], boundMs: number) {
    const deadline = Date.now() + boundMs;
    const last = new Map<string, Message>();
    for (;;) {
      const open = ids.filter((id) => !final.includes(last.get(id)?.status ?? ''));
      if (!open.length || Date.now() >= deadline) return ids.map((id) => last.get(id)!);
      const read = await readAll(open);
      open.forEach((id, i) => last.set(id, read[i]!));
      if (read.some((m) => !final.includes(m.status))) await new Promise((r) => setTimeout(r, 500));
    }
  }
  /**
   * What became of each mail, with the number of copies the provider took. At 30% throttling a mail's
   * ten attempts (the queue's maxReceiveCount) are all throttled with odds 0.3^10, about 6e-6 per mail:
   * then `failed` after 10 attempts with nothing sent is the right outcome, not a loss. Both are 'ok';
   * anything else (a second copy, a mail lost, a failure with another cause) is shown as it is.
   */
  const verdicts = (finals: Message[], copies: number[]) =>
    finals.map((m, i) => {
      if (m.status === 'sent' && copies[i] === 1) return 'ok';
      const throttledOut =
        m.status === 'failed' &&
        m.attempts === 10 &&
        copies[i] === 0 &&
        /^(PROVIDER\.THROTTLED|SEND\.DEAD_LETTERED):/.test(m.lastError ?? '');
      if (throttledOut) return 'ok';
      return `${m.status} after ${m.attempts} with ${copies[i]} copies: ${m.lastError}`;
    });

  // 45 mails a test: that none of their first attempts is throttled, which fails the retry check below,
  // has odds 0.7^45, about 1e-7. Throttling alone fails nothing (see verdicts). 45 mails still make
  // about 19 retries and, here, 22 repeated posts for a second copy to show up in.
  const MAILS = 45;

  it('sends every accepted mail exactly once under 30% SES throttling, repeats included', async () => {
    cloud.setFaults('ses.throttle=0.3');
    const mails = Array.from({ length: MAILS }, (_, i) => ({
      from: 'shop@acme.example',
      to: [`customer${i}@example.com`],
      subject: `exactly-once ${i}`,
      text: `mail ${i}`,
    }));
    const ids: string[] = [];
    for (const [i, mail] of mails.entries()) {
      // A third are posted with an idempotency key, and posted again (two or three times).
      const key = i % 3 === 0 ? `order-${i}` : undefined;
      const first = await post(mail, key);
      expect(first.status).toBe(202);
      const answer = (await first.json()) as { id: string };
      ids.push(answer.id);
      for (let repeat = 0; key && repeat < 1 + (i % 2); repeat += 1) {
        const again = await post(mail, key);
        expect(again.status).toBe(202);
        expect(await again.json()).toEqual(answer);
      }
    }
    expect(new Set(ids).size).toBe(MAILS);

    const finals = await settle(ids, ['sent', 'failed'], 200_000);
    const mailbox = await sesMailbox(cloud);
    const copies = mails.map((mail) => mailbox.filter((m) => m.subject === mail.subject).length);
    expect(verdicts(finals, copies)).toEqual(ids.map(() => 'ok'));
    // The faults did bite: some mail was retried.
    expect(finals.some((m) => m.events.some((e) => e.type === 'retry_scheduled'))).toBe(true);
    cloud.setFaults('');
  });

  it('parks a mail whose retries are exhausted in the DLQ and marks it failed; a retry over HTTP sends it once, and the redriven copy sends nothing', async () => {
    cloud.setFaults('ses.5xx=1');
    const subject = 'to the DLQ';
    const res = await post({
      from: 'shop@acme.example',
      to: ['dlq@example.com'],
      cc: ['bo@example.com'],
      subject,
      text: 'Thanks for your order.',
      html: '<p>Thanks for your order.</p>',
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const [final] = await settle([id], ['failed'], 180_000);
    expect(final?.status).toBe('failed');
    expect(final?.attempts).toBe(10);

    const sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    try {
      const dlq = cloud.outputs.outbound.SendDLQUrl!;
      const queue = cloud.outputs.outbound.SendQueueUrl!;
      const deadline = Date.now() + 40_000;
      let parked: string | undefined;
      while (!parked && Date.now() < deadline) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
        );
        parked = Messages.map((m) => m.Body ?? '{}').find(
          (body) => (JSON.parse(body) as { id?: string }).id === id,
        );
      }
      cloud.setFaults('');
      expect(parked).toBeDefined();
      expect(JSON.parse(parked!)).not.toHaveProperty('retryId');
      expect(await sesMailbox(cloud, subject)).toHaveLength(0);

      // POST /v1/messages/{id}/retry twice at once: one wins (202), the other finds it queued (409).
      const retry = () =>
        fetch(`http://localhost:${cloud.ports.api}/v1/messages/${id}/retry`, {
          method: 'POST',
          headers: acme,
        });
      const answers = await Promise.all([retry(), retry()]);
      expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
      const { retryId } = (await answers.find((r) => r.status === 202)!.json()) as { retryId: string };
      const lost = (await answers.find((r) => r.status === 409)!.json()) as { error: { code: string } };
      expect(lost.error.code).toBe('MESSAGE.NOT_RETRYABLE');

      // Sent once more, with the stored request's content, as attempt 11.
      const [sent] = await settle([id], ['sent'], 60_000);
      expect(sent).toMatchObject({ status: 'sent', attempts: 11 });
      expect(sent!.events.filter((e) => e.type === 'retried')).toEqual([
        expect.objectContaining({ data: { retryId, after: 'failed' } }),
      ]);
      const mails = await sesMailbox(cloud, subject);
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({
        destination: { to: ['dlq@example.com'], cc: ['bo@example.com'] },
        body: { text: 'Thanks for your order.', html: '<p>Thanks for your order.</p>' },
      });

      // The first attempt's copy from the DLQ, put back on the queue: consumed without a send.
      await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: parked! }));
      for (let tries = 0; tries < 120; tries++) {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queue,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const left =
          Number(Attributes.ApproximateNumberOfMessages) +
          Number(Attributes.ApproximateNumberOfMessagesNotVisible);
        if (left === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(await sesMailbox(cloud, subject)).toHaveLength(1);
      expect(await status(id)).toMatchObject({ status: 'sent', attempts: 11 });
    } finally {
      sqs.destroy();
      cloud.setFaults('');
    }
  });

  it('sends every mail exactly once through SendGrid under 30% throttling, tagged with its id', async () => {
    cloud.setFaults('sendgrid.throttle=0.3');
    const run = Date.now().toString(36);
    const mails = Array.from({ length: MAILS }, (_, i) => ({
      from: 'shop@acme.example',
      to: [`sg${i}@example.com`],
      subject: `sendgrid ${run} ${i}`,
      text: `mail ${i}`,
      provider: 'sendgrid',
    }));
    const ids: string[] = [];
    for (const mail of mails) {
      const res = await post(mail);
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const finals = await settle(ids, ['sent', 'failed'], 180_000);

    const store = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
      emails: { messageId: string; body: { subject?: string; custom_args?: Record<string, string> } }[];
    };
    const sent = mails.map((mail) => store.emails.filter((e) => e.body.subject === mail.subject));
    expect(
      verdicts(
        finals,
        sent.map((copies) => copies.length),
      ),
    ).toEqual(ids.map(() => 'ok'));
    for (const [i, [copy]] of sent.entries()) {
      if (!copy) continue; // throttled out: failed, nothing sent (verdicts)
      expect(copy.body.custom_args?.mailroom_message_id).toBe(ids[i]);
      expect(copy.messageId).toBe(finals[i]?.providerMessageId);
    }
    expect(finals.some((m) => m.events.some((e) => e.type === 'retry_scheduled'))).toBe(true);
    // Nothing went out through SES instead.
    expect((await sesMailbox(cloud)).filter((m) => m.subject.startsWith(`sendgrid ${run}`))).toHaveLength(0);
  });
});
