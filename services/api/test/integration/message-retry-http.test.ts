import { ReceiveMessageCommand, SendMessageCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';

jest.setTimeout(300_000);

interface MessageView {
  id: string;
  status: string;
  attempts: number;
  events: { type: string; data: Record<string, unknown> }[];
}
interface SesMail {
  subject: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  body: { text?: string; html?: string };
}

/**
 * POST /v1/messages/{id}/retry through the whole local path: outbound accepts a mail over HTTP, the send
 * function fails it (every SES call answers 5xx until its attempts run out), the retry goes over HTTP to
 * the api under serverless-offline, and the send function sends the stored request once more.
 */
describe('message retry end to end (serverless-offline)', () => {
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

  const api = (path: string) => `http://localhost:${cloud.ports.api}${path}`;
  const read = async (id: string): Promise<MessageView | undefined> => {
    const res = await fetch(api(`/v1/messages/${id}`), { headers: acme });
    return res.ok ? ((await res.json()) as MessageView) : undefined;
  };
  /** Polls the message until its status is `status`; the last read otherwise. */
  async function until(id: string, status: string, boundMs: number): Promise<MessageView | undefined> {
    const deadline = Date.now() + boundMs;
    let last: MessageView | undefined;
    do {
      last = await read(id);
      if (last?.status === status) return last;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } while (Date.now() < deadline);
    return last;
  }
  const mailbox = async (subject: string): Promise<SesMail[]> => {
    const store = (await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: SesMail[] };
    return store.emails.filter((e) => e.subject === subject);
  };
  const retry = (id: string) => fetch(api(`/v1/messages/${id}/retry`), { method: 'POST', headers: acme });

  it('sends a failed mail again, once, with the same content, and no earlier copy sends after it', async () => {
    cloud.setFaults('ses.5xx=1');
    const subject = `retry me ${Date.now()}`;
    const accepted = await fetch(`http://localhost:${cloud.ports.outbound}/v1/messages`, {
      method: 'POST',
      headers: acme,
      body: JSON.stringify({
        from: 'shop@acme.example',
        to: ['ana@example.com'],
        cc: ['bo@example.com'],
        subject,
        text: 'Thanks for your order.',
        html: '<p>Thanks for your order.</p>',
      }),
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const failed = await until(id, 'failed', 180_000);
    expect(failed?.status).toBe('failed');
    const attemptsBefore = failed!.attempts;
    cloud.setFaults('');
    await expect(mailbox(subject)).resolves.toEqual([]);

    // Two retries at once: one wins (202), the other finds it queued (409).
    const answers = await Promise.all([retry(id), retry(id)]);
    expect(answers.map((r) => r.status).sort()).toEqual([202, 409]);
    const won = answers.find((r) => r.status === 202)!;
    const { retryId } = (await won.json()) as { retryId: string };
    const lost = answers.find((r) => r.status === 409)!;
    expect(((await lost.json()) as { error: { code: string } }).error.code).toBe('MESSAGE.NOT_RETRYABLE');

    const sent = await until(id, 'sent', 60_000);
    expect(sent?.status).toBe('sent');
    expect(sent!.attempts).toBe(attemptsBefore + 1);
    expect(sent!.events.filter((e) => e.type === 'retried')).toEqual([
      expect.objectContaining({ data: { retryId, after: 'failed' } }),
    ]);
    const mails = await mailbox(subject);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      destination: { to: ['ana@example.com'], cc: ['bo@example.com'] },
      body: { text: 'Thanks for your order.', html: '<p>Thanks for your order.</p>' },
    });

    // The first attempt's record went on to the DLQ: redriven now, it is consumed without a send.
    const sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    try {
      const dlq = cloud.outputs.outbound.SendDLQUrl!;
      const queue = cloud.outputs.outbound.SendQueueUrl!;
      let original: string | undefined;
      for (let tries = 0; !original && tries < 20; tries++) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        original = Messages.map((m) => m.Body ?? '').find(
          (b) => (JSON.parse(b) as { id?: string }).id === id,
        );
      }
      expect(original).toBeDefined();
      expect(JSON.parse(original!)).not.toHaveProperty('retryId');
      await sqs.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: original! }));
      // Done once the send queue holds nothing, visible or in flight.
      for (let tries = 0; tries < 120; tries++) {
        const { Attributes = {} } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: queue,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        if (
          Attributes.ApproximateNumberOfMessages === '0' &&
          Attributes.ApproximateNumberOfMessagesNotVisible === '0'
        )
          break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      sqs.destroy();
    }
    await expect(mailbox(subject)).resolves.toHaveLength(1);
    await expect(read(id)).resolves.toMatchObject({ status: 'sent', attempts: attemptsBefore + 1 });
  });
});
