import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StatusWebhookBody } from './payload';

/** A delivery that failed after its retries, as it goes to the notify DLQ. */
export interface FailedDelivery {
  kind: 'mailroom.webhook.failed';
  endpointId: string;
  tenantId: string;
  url: string;
  /** The exact body that was (or would have been) posted. */
  body: StatusWebhookBody;
  attempts: number;
  error: string;
  failedAt: string;
}

export interface DeadLetters {
  send(failed: FailedDelivery): Promise<void>;
}

/** The notify DLQ (an SQS queue, also the stream event source's on-failure destination). */
export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
  ) {}

  async send(failed: FailedDelivery): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(failed) }),
    );
  }
}
