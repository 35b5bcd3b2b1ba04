import { Logger } from '@aws-lambda-powertools/logger';
import { lazyDeps } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSqsClient,
  createSsmClient,
  DynamoInboundStore,
  DynamoMessageStore,
  DynamoRouteStore,
} from '@mailroom/core/aws';
import { InboundQueue } from './adapters/inbound-queue';
import { S3ReceiptBucket } from './adapters/s3-receipt-bucket';
import { inboundConfig, type InboundConfig } from './config';
import { createDestinationFactory } from './destinations/factory';
import { ParameterStoreSecrets } from './destinations/secrets';
import type { ProcessDeps } from './process/process-mail';
import type { RetryDeps } from './process/retry-failed';

/** The one place that builds real clients and adapters from config; handlers ask it for deps. */
export const logger = new Logger({ serviceName: 'mailroom-inbound' });

function base(config: InboundConfig) {
  const aws = { region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT };
  const doc = createDynamoDocumentClient({
    region: config.AWS_REGION,
    endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
  });
  return {
    inbound: new DynamoInboundStore(doc, config.MAILROOM_INBOUND_TABLE),
    sqs: createSqsClient(aws),
    queue: new InboundQueue(createSqsClient(aws), config.MAILROOM_INBOUND_QUEUE_URL),
    aws,
    doc,
  };
}

export function createProcessDeps(config: InboundConfig): ProcessDeps {
  const b = base(config);
  return {
    inbound: b.inbound,
    routes: new DynamoRouteStore(b.doc, config.MAILROOM_INBOUND_TABLE),
    messages: new DynamoMessageStore(b.doc, config.MAILROOM_MESSAGES_TABLE),
    bucket: new S3ReceiptBucket(
      createS3Client(b.aws),
      config.MAILROOM_RECEIPT_BUCKET,
      config.MAILROOM_INBOUND_URL_SECONDS,
    ),
    // Store-only, signed webhook (secrets from Parameter Store) or SQS queue (docs/inbound-destinations.md).
    destinations: createDestinationFactory({
      sqs: b.sqs,
      webhook: {
        secrets: new ParameterStoreSecrets(
          createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT }),
        ),
      },
    }),
    logger,
  };
}

export const processDeps = lazyDeps(() => createProcessDeps(inboundConfig()));

export function createRetryDeps(config: InboundConfig): RetryDeps {
  const b = base(config);
  return {
    inbound: b.inbound,
    requeue: (id) => b.queue.retry(id),
    logger,
    now: () => new Date(),
    settings: {
      maxAttempts: config.MAILROOM_INBOUND_MAX_ATTEMPTS,
      windowDays: config.MAILROOM_INBOUND_RETRY_WINDOW_DAYS,
      maxPerRun: 500,
    },
  };
}

export const retryDeps = lazyDeps(() => createRetryDeps(inboundConfig()));
