import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConfigError } from '../errors';
import type { DeadLetterQueue, DlqDepth, DlqRecord } from './port';

/**
 * The port on SQS. The CLI finds a DLQ from its queue (sqsDeadLetters); the api is given both URLs.
 *
 * A queue's DLQ, found from the queue's own RedrivePolicy (so no stack output is needed for it):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export async function sqsDeadLetters(sqs: SQSClient, sourceUrl: string): Promise<DeadLetterQueue> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['RedrivePolicy'] }),
  );
  const arn = (JSON.parse(Attributes.RedrivePolicy ?? '{}') as { deadLetterTargetArn?: string })
    .deadLetterTargetArn;
  if (!arn) throw new ConfigError(`${sourceUrl} has no dead-letter queue (RedrivePolicy)`);
  const [, , , , account, name] = arn.split(':');
  const { QueueUrl } = await sqs.send(
    new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }),
  );
  if (!QueueUrl) throw new ConfigError(`no URL for the dead-letter queue ${arn}`);
  return new SqsDeadLetters(sqs, sourceUrl, QueueUrl);
}

export class SqsDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    readonly sourceUrl: string,
    readonly dlqUrl: string,
  ) {}

  async depth(): Promise<DlqDepth> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.dlqUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  async receive(max: number, hideSeconds: number): Promise<DlqRecord[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.dlqUrl,
        MaxNumberOfMessages: Math.min(10, max),
        VisibilityTimeout: hideSeconds,
        // A short long poll: short polling samples only some SQS servers and may answer empty while
        // records wait (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html).
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    );
    return Messages.flatMap((m) =>
      m.Body !== undefined && m.ReceiptHandle !== undefined
        ? [
            {
              sqsMessageId: m.MessageId ?? '',
              body: m.Body,
              receiptHandle: m.ReceiptHandle,
              ...(m.Attributes?.ApproximateReceiveCount && {
                receiveCount: Number(m.Attributes.ApproximateReceiveCount),
              }),
            },
          ]
        : [],
    );
  }

  async reveal(receiptHandles: readonly string[]): Promise<void> {
    for (let i = 0; i < receiptHandles.length; i += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.dlqUrl,
          Entries: receiptHandles
            .slice(i, i + 10)
            .map((ReceiptHandle, j) => ({ Id: String(j), ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  async sendToSource(body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.sourceUrl, MessageBody: body }));
  }

  async remove(receiptHandle: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.dlqUrl, ReceiptHandle: receiptHandle }));
  }
}
