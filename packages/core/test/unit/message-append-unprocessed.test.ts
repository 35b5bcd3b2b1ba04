import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoMessageStore } from '../../src/aws';

/**
 * BatchWriteItem leaving items unprocessed is something DynamoDB Local never does, so appendEvents'
 * handling of it is pinned with a client that answers as DynamoDB does under load.
 */
describe('appendEvents when BatchWriteItem leaves items unprocessed', () => {
  const TABLE = 'messages';
  const at = '2026-12-03T10:00:00.000Z';
  const entries = Array.from({ length: 27 }, (_, n) => ({
    messageId: `m${n % 3}`,
    event: { type: 'opened', at, provider: 'sendgrid', data: { eventId: `open-${n}` } },
  }));

  /** A client whose BatchWriteItem leaves the last item of each request unprocessed, `stingyRounds` times. */
  const client = (stingyRounds: number) => {
    let rounds = 0;
    const written = new Set<string>();
    const batchWrites: number[] = [];
    const send = async (command: unknown) => {
      if (!(command instanceof BatchWriteCommand)) throw new Error('unexpected command');
      const puts = command.input.RequestItems![TABLE]! as {
        PutRequest: { Item: { pk: string; sk: string } };
      }[];
      batchWrites.push(puts.length);
      const kept = rounds++ < stingyRounds ? puts.slice(0, -1) : puts;
      for (const put of kept) written.add(`${put.PutRequest.Item.pk}#${put.PutRequest.Item.sk}`);
      return { UnprocessedItems: kept.length < puts.length ? { [TABLE]: puts.slice(-1) } : {} };
    };
    return { doc: { send } as unknown as DynamoDBDocumentClient, batchWrites, written };
  };

  it('writes 25 entries a request and writes again what was left unprocessed', async () => {
    const { doc, batchWrites, written } = client(1);
    await new DynamoMessageStore(doc, TABLE).appendEvents(entries);
    expect(batchWrites).toEqual([25, 1, 2]);
    expect(written.size).toBe(27);
    expect(written).toContain(`MSG#m2#EVT#${at}#E#open-26`);
  });

  it('fails when items stay unprocessed, rather than lose timeline entries quietly', async () => {
    const { doc, batchWrites } = client(Number.POSITIVE_INFINITY);
    await expect(new DynamoMessageStore(doc, TABLE).appendEvents(entries)).rejects.toThrow(/unprocessed/);
    expect(batchWrites).toEqual([25, 1, 1, 1, 1]);
  });
});
