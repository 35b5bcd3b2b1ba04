import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newId, type MessageRecord } from '../../src';
import { listMessages } from '../../src/stores/messages/list-dynamo';

/**
 * BatchGetItem leaving keys unprocessed is something DynamoDB Local never does, so a recipient listing's
 * handling of it is pinned with a client that answers as DynamoDB does under load.
 */
describe('a recipient listing when BatchGetItem leaves keys unprocessed', () => {
  const TABLE = 'messages';
  const ids = [newId(), newId()];
  const created = '2026-12-03T10:00:00.000Z';
  const head = (id: string) => ({ pk: `MSG#${id}`, sk: 'MSG', id, tenantId: 'acme', createdAt: created });
  const entries = ids.map((id) => ({
    pk: `MSG#${id}`,
    sk: 'RCPT#ana@example.com',
    gsi2sk: `${created}#${id}`,
  }));

  /** A client whose BatchGetItem leaves the last key it is asked for unprocessed, `stingyRounds` times. */
  const client = (stingyRounds: number) => {
    let rounds = 0;
    const batchGets: number[] = [];
    const send = async (command: unknown) => {
      if (command instanceof QueryCommand) return { Items: entries };
      if (command instanceof BatchGetCommand) {
        const keys = command.input.RequestItems![TABLE]!.Keys as { pk: string }[];
        batchGets.push(keys.length);
        const ids = keys.map((k) => k.pk.slice(4));
        if (rounds++ < stingyRounds) {
          return {
            Responses: { [TABLE]: ids.slice(0, -1).map(head) },
            UnprocessedKeys: { [TABLE]: { Keys: keys.slice(-1) } },
          };
        }
        return { Responses: { [TABLE]: ids.map(head) }, UnprocessedKeys: {} };
      }
      throw new Error('unexpected command');
    };
    return { doc: { send } as unknown as DynamoDBDocumentClient, batchGets };
  };
  const list = (doc: DynamoDBDocumentClient) =>
    listMessages(
      doc,
      TABLE,
      'acme',
      { recipient: 'ana@example.com' },
      { limit: 10 },
      (item) => item as unknown as MessageRecord,
    );

  it('asks again for the keys left unprocessed and answers every message in order', async () => {
    const { doc, batchGets } = client(1);
    const page = await list(doc);
    expect(page.items.map((m) => m.id)).toEqual(ids);
    expect(batchGets).toEqual([2, 1]);
  });

  it('fails, instead of answering a page with holes, when keys stay unprocessed', async () => {
    const { doc, batchGets } = client(Number.POSITIVE_INFINITY);
    await expect(list(doc)).rejects.toThrow(/unprocessed/);
    expect(batchGets).toEqual([2, 1, 1, 1, 1]);
  });
});
