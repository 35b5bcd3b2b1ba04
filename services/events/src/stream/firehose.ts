import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import type { BatchOutcome, EventStream } from './port';

/**
 * A Kinesis Data Firehose delivery stream as the EventStream. One `putBatch` is one PutRecordBatch: the
 * call succeeds as a whole while records inside it may fail, each answered in order with an ErrorCode
 * (FailedPutCount counts them). https://docs.aws.amazon.com/firehose/latest/APIReference/API_PutRecordBatch.html
 */
export class FirehoseEventStream implements EventStream {
  constructor(
    private readonly client: Pick<FirehoseClient, 'send'>,
    private readonly streamName: string,
  ) {}

  async putBatch(records: readonly Buffer[]): Promise<BatchOutcome> {
    const { FailedPutCount, RequestResponses } = await this.client.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: this.streamName,
        Records: records.map((Data) => ({ Data })),
      }),
    );
    if (!FailedPutCount) return { failed: [] };
    const responses = RequestResponses ?? [];
    // An answer that does not account for every record cannot say which were taken: all are tried again.
    if (responses.length !== records.length) {
      return { failed: records.map((_, index) => ({ index, code: 'IncompleteResponse' })) };
    }
    const failed: BatchOutcome['failed'] = [];
    responses.forEach((response, index) => {
      if (response.ErrorCode) failed.push({ index, code: response.ErrorCode });
    });
    return { failed };
  }
}
