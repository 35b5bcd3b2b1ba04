import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Cursors, lazyDeps, newId } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSqsClient,
  createSsmClient,
  cursorKey,
  DynamoCounters,
  DynamoInboundStore,
  DynamoMessageStore,
  DynamoTenantStore,
  DynamoWebhookEndpointStore,
  SqsDeadLetters,
  S3RequestStore,
  SsmWebhookSecrets,
} from '@mailroom/core/aws';
import { cachedKeys, httpStack } from '@mailroom/core/http';
import { InboundQueue } from './adapters/inbound-queue';
import { ReceiptBucket } from './adapters/receipt-bucket';
import { SendQueue } from './adapters/send-queue';
import { apiConfig } from './config';
import type { InboundApiDeps } from './inbound/deps';
import { opsConfig } from './ops/config';
import type { OpsDeps } from './ops/deps';
import type { MessagesApiDeps } from './messages/deps';

export const logger = new Logger({ serviceName: 'mailroom-api' });
export const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom-api' });

/** The one place that builds real clients and stores from config, once per container. */
export const apiDeps = lazyDeps(() => {
  const config = apiConfig();
  const doc = createDynamoDocumentClient({
    region: config.AWS_REGION,
    endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
  });
  const tenants = new DynamoTenantStore(doc, config.MAILROOM_TENANTS_TABLE);
  return {
    doc,
    messages: new DynamoMessageStore(doc, config.MAILROOM_MESSAGES_TABLE),
    counters: new DynamoCounters(doc, config.MAILROOM_MESSAGES_TABLE),
    tenants,
    /** API keys, cached per container for MAILROOM_KEY_CACHE_SECONDS (docs/api-keys.md). */
    keys: cachedKeys(tenants, config, logger),
    webhooks: {
      endpoints: new DynamoWebhookEndpointStore(doc, config.MAILROOM_TENANTS_TABLE),
      secrets: new SsmWebhookSecrets(
        createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT }),
      ),
      secretsPrefix: config.MAILROOM_WEBHOOK_SECRETS_PREFIX,
      allowLocalHttp: config.MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP,
    },
  };
});

/** The list cursors, signed with the stage's cursor key (docs/api-lists.md). */
const cursors = lazyDeps(() => {
  const config = apiConfig();
  return new Cursors(
    cursorKey({
      ssm: createSsmClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_SSM_ENDPOINT }),
      parameter: config.MAILROOM_CURSOR_KEY_PARAMETER,
      localKey: config.MAILROOM_CURSOR_KEY,
    }),
  );
});

/** `GET /v1/messages` and `POST /v1/messages/{id}/retry`: the messages table, outbound's stored requests and send queue. */
export const messagesDeps = lazyDeps(async (): Promise<MessagesApiDeps> => {
  const config = apiConfig();
  const { messages } = await apiDeps();
  const aws = { region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT };
  const queue = new SendQueue(createSqsClient(aws), config.MAILROOM_SEND_QUEUE_URL);
  return {
    messages,
    requests: new S3RequestStore(createS3Client(aws), config.MAILROOM_REQUESTS_BUCKET),
    cursors: await cursors(),
    enqueue: (message) => queue.enqueue(message),
    newId: () => newId(),
  };
});

/** The `/v1/inbound` endpoints' deps: the inbound table, the receipt bucket, the inbound queue. */
export const inboundDeps = lazyDeps(async (): Promise<InboundApiDeps> => {
  const config = apiConfig();
  const { doc } = await apiDeps();
  const aws = { region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT };
  const queue = new InboundQueue(createSqsClient(aws), config.MAILROOM_INBOUND_QUEUE_URL);
  return {
    inbound: new DynamoInboundStore(doc, config.MAILROOM_INBOUND_TABLE),
    parsed: new ReceiptBucket(createS3Client(aws), config.MAILROOM_RECEIPT_BUCKET),
    cursors: await cursors(),
    requeue: (message) => queue.requeue(message),
    downloadUrlSeconds: config.MAILROOM_DOWNLOAD_URL_SECONDS,
  };
});

/** The `/v1/ops` endpoints' deps: both queues and their DLQs, by the URLs compose hands over. */
export const opsDeps = lazyDeps(async (): Promise<OpsDeps> => {
  const config = opsConfig();
  const sqs = createSqsClient({ region: config.AWS_REGION, endpoint: config.MAILROOM_AWS_ENDPOINT });
  return {
    operatorTenant: config.MAILROOM_OPERATOR_TENANT,
    queues: {
      send: new SqsDeadLetters(sqs, config.MAILROOM_SEND_QUEUE_URL, config.MAILROOM_SEND_DLQ_URL),
      inbound: new SqsDeadLetters(sqs, config.MAILROOM_INBOUND_QUEUE_URL, config.MAILROOM_INBOUND_DLQ_URL),
    },
    messages: (await apiDeps()).messages,
  };
});

/** Every HTTP function of this service goes through the one middleware stack (auth, body, errors). */
export const route = httpStack({ logger, metrics, keys: async () => (await apiDeps()).keys });
