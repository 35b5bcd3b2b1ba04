import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { classifyError } from '@mailroom/core';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { noFaults, parseFaults } from '../../src/faults';
import { startDynamoDbFaultProxy, type DynamoDbFaultProxy } from '../../src/standins/dynamodb-proxy';

const sdkError = (e: unknown) => e as Parameters<typeof isThrottlingError>[0];

// The proxy in front of a stand-in for DynamoDB Local that answers every request with `{}` and
// records what reached it: what passes through, and what the SDK makes of what does not.
describe('DynamoDB fault proxy', () => {
  let upstream: Server;
  let proxy: DynamoDbFaultProxy;
  let client: DynamoDBClient;
  const faults = noFaults().dynamodb;
  const reached: Array<{ target: string; body: string; headers: IncomingHttpHeaders }> = [];
  const put = new PutItemCommand({ TableName: 'messages', Item: { pk: { S: 'a' } } });
  const setFaults = (text: string) => Object.assign(faults, parseFaults(text).dynamodb);
  const clientWith = (maxAttempts: number) =>
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${proxy.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts,
    });

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        reached.push({ target: String(req.headers['x-amz-target']), body, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          req.headers['x-amz-target'] === 'DynamoDBStreams_20120810.GetRecords' ? '{"Records":[]}' : '{}',
        );
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => upstream.once('listening', r));
    proxy = await startDynamoDbFaultProxy({
      port: 0,
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      faults,
    });
    client = clientWith(1); // see each injected fault, not the SDK's retry of it
  });
  beforeEach(() => {
    reached.length = 0;
    setFaults('');
  });
  afterAll(async () => {
    client.destroy();
    await proxy.close();
    await new Promise((r) => upstream.close(r));
  });

  it('passes requests through untouched when no fault is due', async () => {
    await client.send(put);
    expect(reached).toEqual([
      expect.objectContaining({
        target: 'DynamoDB_20120810.PutItem',
        body: expect.stringContaining('"messages"'),
      }),
    ]);
    expect(reached[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it('throttles an item operation as DynamoDB does, and the SDK classifies it as throttling', async () => {
    proxy.failNext({ operation: 'PutItem', fault: 'throttle' });
    const error = await client.send(put).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(error).toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      ThrottlingReasons: [
        {
          reason: 'TableWriteKeyRangeThroughputExceeded',
          resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/messages',
        },
      ],
    });
    expect(isThrottlingError(sdkError(error))).toBe(true);
    expect(classifyError(error)).toEqual(expect.objectContaining({ retryable: true, kind: 'throttling' }));
    expect(reached).toEqual([]);
  });

  it('throttles a table operation with ThrottlingException', async () => {
    proxy.failNext({ operation: 'DescribeTable', fault: 'throttle' });
    const error = await client
      .send(new DescribeTableCommand({ TableName: 'messages' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(isThrottlingError(sdkError(error))).toBe(true);
  });

  it('answers 5xx with InternalServerError, which the SDK retries as transient', async () => {
    proxy.failNext({ fault: '5xx' });
    const error = await client.send(put).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(isTransientError(sdkError(error))).toBe(true);
  });

  it('fails exactly the next N requests of the operation asked for, and no other', async () => {
    const next = proxy.failNext({ operation: 'TransactWriteItems', count: 2, fault: 'throttle' });
    const transact = new TransactWriteItemsCommand({
      TransactItems: [{ Put: { TableName: 'locks', Item: { pk: { S: 'a' } } } }],
    });
    await client.send(new GetItemCommand({ TableName: 'messages', Key: { pk: { S: 'a' } } }));
    await expect(client.send(transact)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      ThrottlingReasons: [expect.objectContaining({ resource: expect.stringMatching(/table\/locks$/) })],
    });
    expect(next.remaining()).toBe(1);
    await client.send(put);
    await expect(client.send(transact)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(next.remaining()).toBe(0);
    await client.send(transact);
    expect(reached.map((r) => r.target)).toEqual([
      'DynamoDB_20120810.GetItem',
      'DynamoDB_20120810.PutItem',
      'DynamoDB_20120810.TransactWriteItems',
    ]);
  });

  it('lets the SDK retry a throttled request through to success', async () => {
    const retrying = clientWith(3);
    proxy.failNext({ operation: 'PutItem', count: 2, fault: 'throttle' });
    const result = await retrying.send(put);
    retrying.destroy();
    expect(result.$metadata.attempts).toBe(3);
    expect(reached).toHaveLength(1);
  });

  it('fails the share MAILROOM_FAULTS asks for, by operation when it names one', async () => {
    setFaults('dynamodb.GetItem.throttle=1');
    await client.send(put);
    await expect(
      client.send(new GetItemCommand({ TableName: 'messages', Key: { pk: { S: 'a' } } })),
    ).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    setFaults('dynamodb.5xx=1');
    await expect(client.send(put)).rejects.toMatchObject({
      $metadata: { httpStatusCode: expect.any(Number) },
    });
    expect(proxy.injected()).toEqual(expect.objectContaining({ GetItem: expect.any(Number) }));
  });

  it('passes DynamoDB Streams requests through untouched whatever the faults', async () => {
    setFaults('dynamodb.throttle=1');
    proxy.failNext({ count: 1, fault: '5xx' });
    const res = await fetch(`http://127.0.0.1:${proxy.port}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'DynamoDBStreams_20120810.GetRecords',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{"ShardIterator":"x"}',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Records: [] });
    expect(reached).toEqual([
      expect.objectContaining({
        target: 'DynamoDBStreams_20120810.GetRecords',
        body: '{"ShardIterator":"x"}',
      }),
    ]);
  });

  it('refuses to queue a failure for an operation DynamoDB does not have', () => {
    expect(() => proxy.failNext({ operation: 'PutItems', fault: 'throttle' })).toThrow(
      'DynamoDB has no operation PutItems',
    );
  });
});
