import type { DynamoDBBatchResponse, DynamoDBStreamEvent, Context } from 'aws-lambda';
import { notifyStatusChanges } from '../../notify/notify-status-changes';
import { logger, notifyDeps } from '../../notify/wiring';

/** The messages table's stream → tenants' status webhooks (ReportBatchItemFailures). */
export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return notifyStatusChanges(event.Records, await notifyDeps(), {
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
};
