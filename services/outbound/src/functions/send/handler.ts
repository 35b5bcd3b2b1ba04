import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { RetryLaterError, sendMessage } from '../../send-message';
import { logger, sendDeps } from '../../wiring';

const toSendRecord = (record: SQSRecord) => ({
  body: record.body,
  receiptHandle: record.receiptHandle,
  receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
});

/**
 * SQS trigger with ReportBatchItemFailures: the records of a batch are sent concurrently;
 * middy's sqs-partial-batch-failure reports the rejected ones so only they come back.
 */
const processBatch = async (event: SQSEvent) => {
  const deps = await sendDeps();
  return Promise.allSettled(
    event.Records.map(async (record) => {
      try {
        return await sendMessage(toSendRecord(record), deps);
      } catch (err) {
        if (!(err instanceof RetryLaterError))
          logger.error('send record failed', { messageId: record.messageId, err });
        throw err;
      }
    }),
  );
};

export const handler = middy(processBatch).use(sqsPartialBatchFailure({ logger: () => undefined }));
