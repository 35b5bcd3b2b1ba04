import {
  ChangeMessageVisibilityBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface PeekedRecord {
  body: string;
  receiptHandle: string;
}

/**
 * Reads the send DLQ without consuming it: records are received with a short visibility timeout and
 * made visible again at once (ChangeMessageVisibility 0) once read, so a redrive (which moves visible
 * records, https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html)
 * and the DLQ depth alarm see them as before. Reading increments a record's receive count; a redrive
 * gives each record a new message, so that count does not follow it back to the send queue.
 */
export class DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Puts a record on the DLQ, as SQS's redrive would (send/budget-wait.ts). */
  async park(body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }

  /** Up to 10 records (SQS's most per receive), hidden for `hideSeconds` while the caller reads them. */
  async peek(hideSeconds: number): Promise<PeekedRecord[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: hideSeconds,
        WaitTimeSeconds: 0,
      }),
    );
    return Messages.flatMap((m) =>
      m.Body !== undefined && m.ReceiptHandle !== undefined
        ? [{ body: m.Body, receiptHandle: m.ReceiptHandle }]
        : [],
    );
  }

  /** Makes records visible again at once (10 per call, SQS's batch limit). */
  async reveal(receiptHandles: readonly string[]): Promise<void> {
    for (let i = 0; i < receiptHandles.length; i += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: receiptHandles.slice(i, i + 10).map((ReceiptHandle, j) => ({
            Id: String(j),
            ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  }
}
