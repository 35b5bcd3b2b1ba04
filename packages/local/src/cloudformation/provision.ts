/**
 * Creates a plan's resources in the emulators and stand-ins, through their AWS APIs. Idempotent:
 * running it again against the same emulators updates queue and subscription attributes and bucket
 * notifications, and leaves existing tables, buckets, delivery streams and configuration sets.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  SESv2Client,
  type EventType,
} from '@aws-sdk/client-sesv2';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../logger';
import type { BucketStep, Plan, QueueStep, Step, SubscriptionStep, TableStep } from './plan';

export interface EmulatorClients {
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  firehose: FirehoseClient;
  ses: SESv2Client;
}

export function emulatorClients(
  endpoints: { aws: string; dynamodb: string; firehose: string; ses: string },
  region: string,
): EmulatorClients {
  const base = { region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  return {
    sqs: new SQSClient({ ...base, endpoint: endpoints.aws }),
    sns: new SNSClient({ ...base, endpoint: endpoints.aws }),
    // fauxqs serves S3 path-style only on localhost (docs/toolchain.md).
    s3: new S3Client({ ...base, endpoint: endpoints.aws, forcePathStyle: true }),
    dynamodb: new DynamoDBClient({ ...base, endpoint: endpoints.dynamodb }),
    firehose: new FirehoseClient({ ...base, endpoint: endpoints.firehose }),
    ses: new SESv2Client({ ...base, endpoint: endpoints.ses }),
  };
}

export function destroyClients(clients: EmulatorClients): void {
  for (const client of Object.values(clients)) client.destroy();
}

export async function applyPlan(
  plan: Plan,
  clients: EmulatorClients,
  logger: Logger,
  label: string,
): Promise<void> {
  for (const { logicalId, type } of plan.skipped)
    logger.debug(`[${label}] skip ${logicalId} (${type}): no local counterpart`);
  // In plan order: dead-letter queues exist before the queues that redrive to them.
  for (const step of plan.steps) {
    await applyStep(step, clients, logger, label);
  }
}

async function applyStep(step: Step, clients: EmulatorClients, logger: Logger, label: string): Promise<void> {
  switch (step.kind) {
    case 'queue':
      return createQueue(step, clients.sqs, logger, label);
    case 'topic':
      await clients.sns.send(new CreateTopicCommand({ Name: step.name }));
      logger.debug(`[${label}] topic ${step.name}`);
      return;
    case 'subscription':
      return subscribe(step, clients.sns, logger, label);
    case 'bucket':
      return createBucket(step, clients.s3, logger, label);
    case 'table':
      return createTable(step, clients.dynamodb, logger, label);
    case 'deliveryStream':
      await ignoring('ResourceInUseException', () =>
        clients.firehose.send(
          new CreateDeliveryStreamCommand({
            DeliveryStreamName: step.name,
            DeliveryStreamType: 'DirectPut',
            ExtendedS3DestinationConfiguration: {
              ...step.destination,
              RoleARN: step.destination.RoleARN ?? 'arn:aws:iam::000000000000:role/local',
              CompressionFormat: step.destination.CompressionFormat as 'GZIP' | undefined,
            },
          }),
        ),
      );
      logger.debug(`[${label}] delivery stream ${step.name}`);
      return;
    case 'configurationSet':
      await ignoring('AlreadyExistsException', () =>
        clients.ses.send(new CreateConfigurationSetCommand({ ConfigurationSetName: step.name })),
      );
      logger.debug(`[${label}] configuration set ${step.name}`);
      return;
    case 'eventDestination':
      if (!step.deliveryStreamArn) {
        logger.info(
          `[${label}] ${step.logicalId}: only Firehose event destinations are delivered locally; skipped`,
        );
        return;
      }
      await ignoring('AlreadyExistsException', () =>
        clients.ses.send(
          new CreateConfigurationSetEventDestinationCommand({
            ConfigurationSetName: step.configurationSetName,
            EventDestinationName: step.name,
            EventDestination: {
              Enabled: step.enabled,
              MatchingEventTypes: step.matchingEventTypes as EventType[],
              KinesisFirehoseDestination: {
                DeliveryStreamArn: step.deliveryStreamArn,
                IamRoleArn: 'arn:aws:iam::000000000000:role/local',
              },
            },
          }),
        ),
      );
      logger.debug(`[${label}] ${step.configurationSetName} → ${step.deliveryStreamArn}`);
      return;
  }
}

/** Runs `create`, taking the error `name` (the resource exists from an earlier run) as success. */
async function ignoring(name: string, create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (e) {
    if ((e as { name?: string }).name !== name) throw e;
  }
}

async function createBucket(step: BucketStep, s3: S3Client, logger: Logger, label: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: step.name })).catch((e: { name?: string }) => {
    if (e.name !== 'BucketAlreadyOwnedByYou' && e.name !== 'BucketAlreadyExists') throw e;
  });
  logger.debug(`[${label}] bucket ${step.name}`);
  if (step.otherNotifications.length > 0) {
    logger.info(
      `[${label}] ${step.name}: ${step.otherNotifications.join(', ')} are not delivered locally (queues only); skipped`,
    );
  }
  if (step.queueNotifications.length === 0) return;
  // Through the local cloud's S3 path, which sends these notifications (standins/s3-notifications.ts).
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: step.name,
      NotificationConfiguration: {
        QueueConfigurations: step.queueNotifications.map((q) => ({
          QueueArn: q.queueArn,
          Events: [q.event as 's3:ObjectCreated:*'],
          ...(q.rules.length > 0
            ? {
                Filter: {
                  Key: { FilterRules: q.rules.map((r) => ({ Name: r.Name as 'prefix', Value: r.Value })) },
                },
              }
            : {}),
        })),
      },
    }),
  );
  logger.debug(
    `[${label}] ${step.name} notifies ${step.queueNotifications.map((q) => q.queueArn).join(', ')}`,
  );
}

async function createQueue(step: QueueStep, sqs: SQSClient, logger: Logger, label: string): Promise<void> {
  try {
    await sqs.send(new CreateQueueCommand({ QueueName: step.name, Attributes: step.attributes }));
  } catch (e) {
    // The queue exists with other attributes (the template changed): update it in place.
    if ((e as { name?: string }).name !== 'QueueNameExists') throw e;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: step.name }));
    const { FifoQueue: _fifo, ...settable } = step.attributes;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: settable }));
  }
  logger.debug(`[${label}] queue ${step.name}`);
}

async function subscribe(
  step: SubscriptionStep,
  sns: SNSClient,
  logger: Logger,
  label: string,
): Promise<void> {
  const input = { TopicArn: step.topicArn, Protocol: step.protocol, Endpoint: step.endpoint };
  try {
    await sns.send(
      new SubscribeCommand({ ...input, Attributes: step.attributes, ReturnSubscriptionArn: true }),
    );
  } catch (e) {
    // Subscribed before with other attributes: set them on the existing subscription.
    if (!/already exists/i.test((e as Error).message)) throw e;
    const { Subscriptions = [] } = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: step.topicArn }),
    );
    const existing = Subscriptions.find((s) => s.Protocol === step.protocol && s.Endpoint === step.endpoint);
    for (const [AttributeName, AttributeValue] of Object.entries(step.attributes)) {
      await sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: existing?.SubscriptionArn,
          AttributeName,
          AttributeValue,
        }),
      );
    }
  }
  logger.debug(`[${label}] subscription ${step.topicArn} → ${step.endpoint}`);
}

async function createTable(
  step: TableStep,
  dynamodb: DynamoDBClient,
  logger: Logger,
  label: string,
): Promise<void> {
  try {
    await dynamodb.send(new CreateTableCommand(step.input as unknown as CreateTableCommandInput));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
    logger.debug(`[${label}] table ${step.input.TableName} exists`);
    return;
  }
  if (step.timeToLive) {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: step.input.TableName,
        TimeToLiveSpecification: step.timeToLive,
      }),
    );
  }
  logger.debug(`[${label}] table ${step.input.TableName}`);
}
