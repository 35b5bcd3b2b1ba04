import type { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { FirehoseEventStream } from '../../src/stream/firehose';

/** A client answering PutRecordBatch with a given output, keeping the commands it got. */
const answering = (output: object) => {
  const commands: PutRecordBatchCommand[] = [];
  const client = {
    send: async (command: PutRecordBatchCommand) => {
      commands.push(command);
      return output;
    },
  } as never;
  return { client, commands };
};

const records = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'].map((s) => Buffer.from(s));

describe('FirehoseEventStream', () => {
  it('puts the records to the named stream in one PutRecordBatch', async () => {
    const { client, commands } = answering({ FailedPutCount: 0, RequestResponses: [{}, {}, {}] });
    await expect(
      new FirehoseEventStream(client, 'mailroom-test-sendgrid-events').putBatch(records),
    ).resolves.toEqual({
      failed: [],
    });
    expect(commands).toHaveLength(1);
    expect(commands[0]!.input).toEqual({
      DeliveryStreamName: 'mailroom-test-sendgrid-events',
      Records: records.map((Data) => ({ Data })),
    });
  });

  it('names the records Firehose answered with an ErrorCode', async () => {
    const { client } = answering({
      FailedPutCount: 2,
      RequestResponses: [
        { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' },
        { RecordId: 'r2' },
        { ErrorCode: 'InternalFailure' },
      ],
    });
    await expect(new FirehoseEventStream(client, 's').putBatch(records)).resolves.toEqual({
      failed: [
        { index: 0, code: 'ServiceUnavailableException' },
        { index: 2, code: 'InternalFailure' },
      ],
    });
  });

  it('fails every record when the answer does not account for each of them', async () => {
    const { client } = answering({ FailedPutCount: 1, RequestResponses: [{ ErrorCode: 'InternalFailure' }] });
    const { failed } = await new FirehoseEventStream(client, 's').putBatch(records);
    expect(failed.map((f) => f.index)).toEqual([0, 1, 2]);
  });
});
