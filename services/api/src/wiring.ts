import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { lazyDeps } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  DynamoCounters,
  DynamoMessageStore,
  DynamoTenantStore,
} from '@mailroom/core/aws';
import { httpStack } from '@mailroom/core/http';
import { apiConfig } from './config';

export const logger = new Logger({ serviceName: 'mailroom-api' });
export const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-api' });

/** The one place that builds real clients and stores from config, once per container. */
export const apiDeps = lazyDeps(() => {
  const config = apiConfig();
  const doc = createDynamoDocumentClient({
    region: config.AWS_REGION,
    endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
  });
  return {
    messages: new DynamoMessageStore(doc, config.MAILROOM_MESSAGES_TABLE),
    counters: new DynamoCounters(doc, config.MAILROOM_MESSAGES_TABLE),
    tenants: new DynamoTenantStore(doc, config.MAILROOM_TENANTS_TABLE),
  };
});

/** Every HTTP function of this service goes through the one middleware stack (auth, body, errors). */
export const route = httpStack({ logger, metrics, keys: async () => (await apiDeps()).tenants });
