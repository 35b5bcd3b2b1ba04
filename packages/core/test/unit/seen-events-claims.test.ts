import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDynamoDocumentClient, DynamoSeenEvents } from '../../src/aws';

/** A cancelled transaction as DynamoDB reports it: one reason code per action. */
const cancelled = (codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

// DynamoDB Local cannot be made to cancel a transaction for a conflict on demand: the one path the
// shared suite (test/integration/event-stores.test.ts) cannot reach is tested on a mocked client.
describe('DynamoSeenEvents claims', () => {
  const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  const mock = mockClient(doc);
  afterEach(() => mock.reset());
  afterAll(() => doc.destroy());

  it('claims one by one when a transaction is cancelled for a conflict, not a held id', async () => {
    mock.on(TransactWriteCommand).rejects(cancelled(['None', 'TransactionConflict', 'None']));
    // b is held by another batch.
    mock.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (input.Item.pk !== 'SEEN#b') return {};
      throw Object.assign(new Error('held'), { name: 'ConditionalCheckFailedException' });
    });
    const held = await new DynamoSeenEvents(doc, 't').claim(['a', 'b', 'c'], 'batch-1');
    expect(held).toEqual(new Set(['a', 'c']));
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(mock.commandCalls(PutCommand)).toHaveLength(3);
  });

  it('throws what is not a cancelled transaction, claiming nothing more', async () => {
    mock.on(TransactWriteCommand).rejects(Object.assign(new Error('down'), { name: 'InternalServerError' }));
    await expect(new DynamoSeenEvents(doc, 't').claim(['a'], 'batch-1')).rejects.toThrow('down');
    expect(mock.commandCalls(PutCommand)).toHaveLength(0);
  });
});
