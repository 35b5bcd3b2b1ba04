import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { newId, type RequestStore, type SendQueueMessage } from '@mailroom/core';
import { createS3Client, createSqsClient, createSsmClient, S3RequestStore } from '@mailroom/core/aws';
import { InMemoryRequestStore } from '@mailroom/core/testing';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { platformSendGridKey } from '../../src/adapters/platform-key';
import { markDeadLetters } from '../../src/mark-dead-letters';
import { newMessageOf } from '../../src/send/claim';
import { sweepUnsent } from '../../src/sweep-unsent';
import { createDeadLetterDeps, createSweepDeps } from '../../src/wiring';
import { outboundConfigFor, queueMessage } from '../support/cloud';

jest.setTimeout(120_000);

/**
 * What recovery rests on, against the local cloud's emulators and the resources serverless.yml declares:
 * the requests bucket (S3), reading the send DLQ without consuming it (SQS), the unsent-mail index
 * (gsi4 with its projection), and the platform key in Parameter Store.
 */
describe('recovery adapters (fauxqs, DynamoDB Local, Parameter Store stand-in)', () => {
  let cloud: LocalCloud;
  let sqs: SQSClient;
  const s3 = () => createS3Client({ region: 'us-east-1', endpoint: cloud.endpoints.aws });

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    sqs = createSqsClient({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
  });
  afterAll(async () => {
    sqs?.destroy();
    await cloud?.stop();
  });

  // The S3 adapter and its in-memory twin must behave alike: one suite runs against both.
  describe.each<[string, () => RequestStore]>([
    ['S3 (fauxqs)', () => new S3RequestStore(s3(), cloud.outputs.outbound.RequestsBucketName!)],
    ['in memory', () => new InMemoryRequestStore()],
  ])('stored requests (%s)', (_name, make) => {
    it('keeps the full request per tenant and gives it back as it was', async () => {
      const store = make();
      const message: SendQueueMessage = queueMessage({
        cc: [{ email: 'cc@example.com', name: 'Cc' }],
        bcc: ['bcc@example.com'],
        html: '<p>Hello</p>',
        headers: { 'X-Order': '1042' },
        attachments: [
          { filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('hi').toString('base64') },
        ],
        idempotencyKey: 'order-1042',
      });
      await store.put(message);
      await expect(store.get('acme', message.id)).resolves.toEqual(message);
      await expect(store.get('globex', message.id)).resolves.toBeUndefined();
      await expect(store.get('acme', newId())).resolves.toBeUndefined();
    });
  });

  it('marks a dead-lettered message failed and leaves its record in the DLQ, visible for a redrive', async () => {
    const deps = createDeadLetterDeps(outboundConfigFor(cloud));
    const message = queueMessage();
    await deps.messages.ensure(newMessageOf(message, 'ses', new Date()));
    const dlqUrl = cloud.outputs.outbound.SendDLQUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: JSON.stringify(message) }));

    const result = await markDeadLetters(deps);
    expect(result.marked).toBeGreaterThanOrEqual(1);
    await expect(deps.messages.get(message.id)).resolves.toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/^SEND\.DEAD_LETTERED: /),
    });
    // Still there, and visible at once (visibility set back to 0).
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 1 }),
    );
    expect(Messages.map((m) => JSON.parse(m.Body!).id)).toContain(message.id);
  });

  it('finds unsent mail through the unsent index as provisioned, and puts it back from its stored request', async () => {
    const config = outboundConfigFor(cloud, { MAILROOM_UNSENT_AFTER_MINUTES: '1' });
    const deps = createSweepDeps(config);
    const gauges: Record<string, number> = {};
    const long = new Date(Date.now() - 2 * 3600_000);
    const message = queueMessage();
    await deps.messages.ensure(newMessageOf(message, 'ses', long));
    await new S3RequestStore(s3(), config.MAILROOM_REQUESTS_BUCKET).put(message);
    const enqueued: SendQueueMessage[] = [];

    // Two minutes on: the message was last touched (its `queued` record) longer ago than the bound.
    await sweepUnsent({
      ...deps,
      enqueue: async (m) => void enqueued.push(m),
      gauge: (name, value) => void (gauges[name] = value),
      now: () => Date.now() + 2 * 60_000,
    });
    expect(gauges.OldestUnsentMailAgeSeconds).toBeGreaterThanOrEqual(2 * 3600);
    expect(enqueued.map((m) => m.id)).toContain(message.id);
    await expect(deps.messages.get(message.id)).resolves.toMatchObject({
      status: 'queued',
      requeuedAt: expect.any(String),
    });
  });

  it('reads the platform SendGrid key from Parameter Store (SecureString)', async () => {
    const ssm = createSsmClient({ region: 'us-east-1', endpoint: cloud.endpoints.ssm });
    const parameter = `/mailroom/test-${newId().toLowerCase()}/sendgrid-api-key`;
    const key = platformSendGridKey({ ssm, parameter });
    await expect(key()).rejects.toThrow(/does not exist/);
    await ssm.send(new PutParameterCommand({ Name: parameter, Value: 'SG.platform', Type: 'SecureString' }));
    await expect(key()).resolves.toBe('SG.platform');
    ssm.destroy();
  });
});
