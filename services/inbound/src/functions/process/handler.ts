import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent } from 'aws-lambda';
import { InvalidNotificationError } from '../../process/errors';
import { processMail } from '../../process/process-mail';
import { logger, processDeps } from '../../wiring';

/**
 * SQS trigger on the inbound queue with ReportBatchItemFailures: each record is one SES notification
 * (or a retry order). A body that cannot be read is logged and reported failed, so it reaches the DLQ
 * after the queue's receives; an error of the stores is reported failed too, and the redelivery resumes
 * the mail where it stopped. Every failure of the mail itself is recorded `failed` and consumed.
 */
const processBatch = async (event: SQSEvent) => {
  const deps = await processDeps();
  return Promise.allSettled(
    event.Records.map(async (record) => {
      try {
        return await processMail(record.body, deps);
      } catch (err) {
        if (err instanceof InvalidNotificationError) {
          logger.error('inbound queue record is not a notification Mailroom can read; it goes to the DLQ', {
            messageId: record.messageId,
            reason: err.message,
            details: err.details,
            bodyStart: record.body.slice(0, 200),
          });
        } else
          logger.error('inbound record failed; the queue will redeliver it', {
            messageId: record.messageId,
            err,
          });
        throw err;
      }
    }),
  );
};

export const handler = middy(processBatch).use(sqsPartialBatchFailure({ logger: () => undefined }));
