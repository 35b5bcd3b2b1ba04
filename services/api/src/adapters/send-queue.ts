import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SendQueueMessageSchema, type SendQueueMessage } from '@mailroom/core';

/** Outbound's send queue, where the api puts a retried message's stored request for the `send` function. */
export class SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(message: SendQueueMessage): Promise<void> {
    // Checked on the way in, as the send function will check it: a body it would refuse never leaves here.
    const body = JSON.stringify(SendQueueMessageSchema.parse(message));
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }
}
