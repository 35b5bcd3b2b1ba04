import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfigError, lazyDeps } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createFirehoseClient,
  createS3Client,
  createSsmClient,
  DynamoCounters,
  DynamoMessageStore,
  DynamoSeenEvents,
  DynamoSuppressionStore,
} from '@mailroom/core/aws';
import { httpStack } from '@mailroom/core/http';
import { trackConfig, webhookConfig, type TrackConfig, type WebhookConfig } from './config';
import { S3LakeObjects } from './lake/s3';
import type { WebhookDeps } from './receive-webhook';
import { FirehoseEventStream } from './stream/firehose';
import type { TrackObjectDeps } from './track-object';
import { webhookPublicKey } from './webhook/key-source';

/** The one place that builds real clients and adapters from config; handlers ask it for deps. */
export const logger = new Logger({ serviceName: 'mailroom-events' });
export const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-events' });

/** The events service's HTTP routes authenticate by signature, never by API key. */
export const route = httpStack({
  logger,
  metrics,
  keys: () => {
    throw new ConfigError('the events service has no API-key routes');
  },
});

export function createWebhookDeps(config: WebhookConfig): WebhookDeps {
  const region = config.AWS_REGION;
  return {
    publicKey: webhookPublicKey({
      ssm: () => createSsmClient({ region, endpoint: config.MAILROOM_SSM_ENDPOINT }),
      parameter: config.MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER,
      localKey: config.SENDGRID_WEBHOOK_PUBLIC_KEY,
    }),
    stream: new FirehoseEventStream(
      createFirehoseClient({ region, endpoint: config.MAILROOM_FIREHOSE_ENDPOINT }),
      config.MAILROOM_SENDGRID_EVENTS_STREAM,
    ),
    maxAgeSeconds: config.SENDGRID_WEBHOOK_MAX_AGE_SECONDS,
  };
}

export const webhookDeps = lazyDeps(() => createWebhookDeps(webhookConfig()));

export function createTrackDeps(config: TrackConfig): TrackObjectDeps {
  const doc = createDynamoDocumentClient({
    region: config.AWS_REGION,
    endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
  });
  const table = config.MAILROOM_MESSAGES_TABLE;
  return {
    messages: new DynamoMessageStore(doc, table),
    seen: new DynamoSeenEvents(doc, table),
    counters: new DynamoCounters(doc, table),
    suppressions: new DynamoSuppressionStore(doc, table),
    lake: new S3LakeObjects(
      createS3Client({ region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT }),
    ),
    logger,
  };
}

export const trackDeps = lazyDeps(() => createTrackDeps(trackConfig()));
