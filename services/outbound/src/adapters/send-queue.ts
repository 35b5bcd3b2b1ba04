import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendQueueMessage } from '@mailroom/core';

/** The send queue: enqueue (HTTP side) and push a record's next delivery out (send side). */
export class SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** `delaySeconds` (0–900) keeps the record out of sight that long (a tenant share's wait). */
  async enqueue(message: SendQueueMessage, delaySeconds?: number): Promise<void> {
    await this.requeue(JSON.stringify(message), delaySeconds);
  }

  /** A record's body as it stands (a copy waiting for the budget), delivered after `delaySeconds` (0–900). */
  async requeue(body: string, delaySeconds?: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        ...(delaySeconds && { DelaySeconds: delaySeconds }),
      }),
    );
  }

  async delay(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }
}
