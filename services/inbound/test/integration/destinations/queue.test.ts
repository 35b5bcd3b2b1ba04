import { createServer } from 'node:net';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '@mailroom/core/aws';
import { silentLogger, startFauxqs } from '@mailroom/local';
import {
  DestinationQueueRejectedError,
  DestinationQueueUnavailableError,
} from '../../../src/destinations/errors';
import { createDestinationFactory, storeOnly } from '../../../src/destinations/factory';
import { deliveryPayload } from '../../../src/destinations/payload';
import { QueueDestination } from '../../../src/destinations/queue';
import { MAX_QUEUE_MESSAGE_BYTES } from '../../../src/destinations/queue-body';
import { WebhookDestination } from '../../../src/destinations/webhook';
import { delivery } from '../../support/delivery';

jest.setTimeout(90_000);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('queue destination (fauxqs SQS)', () => {
  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  let sqs: ReturnType<typeof createSqsClient>;
  let endpoint: string;

  const newQueue = async (name: string) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const receiveAll = async (queueUrl: string) => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 5,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  };

  beforeAll(async () => {
    const port = await freePort();
    fauxqs = await startFauxqs(port, 'us-east-1', silentLogger);
    endpoint = `http://localhost:${port}`;
    sqs = createSqsClient({ region: 'us-east-1', endpoint });
  });
  afterAll(async () => {
    sqs?.destroy();
    await fauxqs?.stop();
  });

  it('sends the payload with truncated: false and the inbound id as an attribute', async () => {
    const queueUrl = await newQueue('acme-inbound');
    const mail = delivery();
    await new QueueDestination(queueUrl, sqs).deliver(mail);
    const [message, ...rest] = await receiveAll(queueUrl);
    expect(rest).toEqual([]);
    expect(JSON.parse(message!.Body!)).toEqual({ ...deliveryPayload(mail), truncated: false });
    expect(message!.MessageAttributes?.['mailroom-inbound-id']?.StringValue).toBe(mail.record.id);
  });

  it('sends a mail too large for SQS cut down, with truncated: true, and SQS takes it', async () => {
    const queueUrl = await newQueue('acme-inbound-large');
    const big = delivery({
      message: { text: '本文'.repeat(100_000), html: `<p>${'x'.repeat(300_000)}</p>`, headers: [] },
    });
    await new QueueDestination(queueUrl, sqs).deliver(big);
    const [message] = await receiveAll(queueUrl);
    expect(Buffer.byteLength(message!.Body!)).toBeLessThanOrEqual(MAX_QUEUE_MESSAGE_BYTES);
    expect(JSON.parse(message!.Body!)).toMatchObject({ id: big.record.id, truncated: true });
  });

  it('fails permanently for a queue that does not exist', async () => {
    const missing = `${endpoint}/000000000000/no-such-queue`;
    await expect(new QueueDestination(missing, sqs).deliver(delivery())).rejects.toMatchObject({
      constructor: DestinationQueueRejectedError,
      retryable: false,
    });
  });

  it('fails retryably when SQS cannot take the message now', async () => {
    const throttled = {
      send: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'RequestThrottled' })),
    };
    await expect(
      new QueueDestination('http://localhost/000000000000/q', throttled).deliver(delivery()),
    ).rejects.toMatchObject({
      constructor: DestinationQueueUnavailableError,
      retryable: true,
    });
  });

  it('maps each route destination to its destination; store-only delivers nothing', async () => {
    const factory = createDestinationFactory({ sqs, webhook: { secrets: { get: async () => 's' } } });
    expect(factory({ type: 'store' })).toBe(storeOnly);
    await expect(storeOnly.deliver(delivery())).resolves.toBeUndefined();
    expect(
      factory({ type: 'webhook', url: 'https://hooks.example/in', secretParameter: '/p' }),
    ).toBeInstanceOf(WebhookDestination);
    const queueUrl = await newQueue('globex-inbound');
    const queue = factory({ type: 'queue', queueUrl });
    expect(queue).toBeInstanceOf(QueueDestination);
    await queue.deliver(delivery());
    expect(await receiveAll(queueUrl)).toHaveLength(1);
  });
});
