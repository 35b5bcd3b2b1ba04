import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DestinationQueueRejectedError, DestinationQueueUnavailableError } from './errors';
import { deliveryPayload } from './payload';
import type { Destination, InboundDelivery } from './port';
import { queueBody } from './queue-body';

/** SQS errors that sending again cannot mend: no such queue, no permission, a bad request. */
const PERMANENT = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'AccessDenied',
  'AccessDeniedException',
  'InvalidAddress',
  'InvalidParameterValue',
  'InvalidMessageContents',
  'KmsAccessDenied',
  'KmsDisabled',
  'KmsNotFound',
]);

/**
 * Sends the delivery payload (queue-body.ts: cut to fit SQS's 256 KiB, with `truncated`) to the route's
 * queue, with the inbound id as a message attribute. The SDK already retries throttling and 5xx; what
 * still fails is retryable for the retry schedule unless SQS named a permanent cause. A FIFO queue gets the
 * inbound id as deduplication id and the tenant as group.
 */
export class QueueDestination implements Destination {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: Pick<SQSClient, 'send'>,
  ) {}

  async deliver(delivery: InboundDelivery): Promise<void> {
    const { record } = delivery;
    const fifo = this.queueUrl.endsWith('.fifo');
    try {
      await this.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: queueBody(deliveryPayload(delivery)),
          MessageAttributes: { 'mailroom-inbound-id': { DataType: 'String', StringValue: record.id } },
          ...(fifo
            ? { MessageDeduplicationId: record.id, MessageGroupId: record.tenantId ?? 'unrouted' }
            : {}),
        }),
      );
    } catch (err) {
      const name = (err as Error).name;
      const why = `queue ${this.queueUrl} refused inbound ${record.id}: ${name}: ${(err as Error).message}`;
      if (PERMANENT.has(name)) throw new DestinationQueueRejectedError(why, { cause: err });
      throw new DestinationQueueUnavailableError(why, { cause: err });
    }
  }
}
