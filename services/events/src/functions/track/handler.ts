import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent } from 'aws-lambda';
import { lakeObjectsOf } from '../../lake/notification';
import { trackLakeObject, type TrackObjectDeps } from '../../track-object';
import { logger, trackDeps } from '../../wiring';

/**
 * SQS trigger on the tracker queue with ReportBatchItemFailures: each record is an S3 notification of new
 * lake objects, tracked one after the other; records run concurrently, and middy's
 * sqs-partial-batch-failure reports the failed ones, which come back until the redrive parks them.
 */
export const trackHandler = (deps: () => Promise<TrackObjectDeps>) =>
  middy(async (event: SQSEvent) => {
    const resolved = await deps();
    return Promise.allSettled(
      event.Records.map(async (record) => {
        try {
          for (const ref of lakeObjectsOf(record.body)) {
            const result = await trackLakeObject(ref, resolved);
            logger.info('lake object tracked', { ...ref, ...result });
          }
        } catch (err) {
          logger.error('tracker record failed', { messageId: record.messageId, err });
          throw err;
        }
      }),
    );
  }).use(sqsPartialBatchFailure({ logger: () => undefined }));

export const handler = trackHandler(trackDeps);
