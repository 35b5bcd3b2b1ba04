import { Logger } from '@aws-lambda-powertools/logger';
import { awsTargets, lazyDeps } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createSqsClient,
  createSsmClient,
  DynamoWebhookEndpointStore,
  SsmWebhookSecrets,
} from '@mailroom/core/aws';
import { notifyConfig } from './config';
import { SqsDeadLetters } from './dead-letters';
import { EndpointDirectory } from './directory';
import { DEFAULT_NOTIFY_POLICY, type NotifyDeps } from './notify-status-changes';

export const logger = new Logger({ serviceName: 'mailroom-events' });

/** The notify function's clients and stores, built once per container from config. */
export const notifyDeps = lazyDeps((): NotifyDeps => {
  const config = notifyConfig();
  const targets = awsTargets(config);
  const endpoints = new DynamoWebhookEndpointStore(
    createDynamoDocumentClient(targets.dynamodb),
    config.MAILROOM_TENANTS_TABLE,
  );
  const secrets = new SsmWebhookSecrets(
    createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT }),
  );
  return {
    directory: new EndpointDirectory(endpoints, secrets, config.MAILROOM_NOTIFY_CACHE_SECONDS * 1_000),
    health: endpoints,
    deadLetters: new SqsDeadLetters(createSqsClient(targets.default), config.MAILROOM_NOTIFY_DLQ_URL),
    logger,
    policy: {
      ...DEFAULT_NOTIFY_POLICY,
      attempts: config.MAILROOM_NOTIFY_ATTEMPTS,
      timeoutMs: config.MAILROOM_NOTIFY_TIMEOUT_MS,
    },
  };
});
