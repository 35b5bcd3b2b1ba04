import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent } from 'aws-lambda';
import { lakeObjectsOf } from '../../lake/notification';
import type { LakeObjectRef } from '../../lake/port';
import { trackLakeObjects, type TrackObjectDeps } from '../../track-object';
import { logger, trackDeps } from '../../wiring';

/**
 * SQS trigger on the tracker queue with ReportBatchItemFailures: each record is an S3 notification of new
 * lake objects. Every object the batch names is read, and their events are folded together (one status
 * write per message for the whole batch, docs/events.md); a record fails when it is not a notification
 * or when one of its objects failed, and middy's sqs-partial-batch-failure reports it, so it comes back
 * until the redrive parks it.
 */
export const trackHandler = (deps: () => Promise<TrackObjectDeps>) =>
  middy(async (event: SQSEvent) => {
    const resolved = await deps();
    const named = event.Records.map((record) => {
      try {
        return { refs: lakeObjectsOf(record.body) };
      } catch (error) {
        return { refs: [] as LakeObjectRef[], error };
      }
    });
    const refs = named.flatMap((n) => n.refs);
    const outcomes = await trackLakeObjects(refs, resolved);
    let next = 0;
    return event.Records.map((record, i): PromiseSettledResult<void> => {
      const { refs: mine, error } = named[i]!;
      const failures = error === undefined ? [] : [error];
      for (const ref of mine) {
        const outcome = outcomes[next++]!;
        if (outcome.status === 'fulfilled') logger.info('lake object tracked', { ...ref, ...outcome.value });
        else failures.push(outcome.reason);
      }
      if (failures.length === 0) return { status: 'fulfilled', value: undefined };
      logger.error('tracker record failed', { messageId: record.messageId, err: failures[0] });
      return { status: 'rejected', reason: failures[0] };
    });
  }).use(sqsPartialBatchFailure({ logger: () => undefined }));

export const handler = trackHandler(trackDeps);
