import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InboundRetryMessageSchema, type InboundRetryMessage } from '@mailroom/core';

/** The inbound service's queue, where the api puts retry requests for the `process` function. */
export class InboundQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async requeue(message: InboundRetryMessage): Promise<void> {
    const body = JSON.stringify(InboundRetryMessageSchema.parse(message));
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }
}
