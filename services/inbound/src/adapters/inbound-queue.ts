import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InboundRetryMessageSchema } from '@mailroom/core';

/** The inbound queue, for retry orders (the SES notifications reach it through the topic). */
export class InboundQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly url: string,
  ) {}

  async retry(id: string): Promise<void> {
    const order = InboundRetryMessageSchema.parse({ type: 'mailroom.inbound.retry', id });
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.url, MessageBody: JSON.stringify(order) }));
  }
}
