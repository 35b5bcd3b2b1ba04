// @mailroom/core/aws: AWS SDK clients and the DynamoDB adapters of core's ports. Services build these in
// their wiring and hand them to use cases typed against the ports in '@mailroom/core'.
export {
  createDynamoDocumentClient,
  createSqsClient,
  createS3Client,
  createSnsClient,
  createSesV2Client,
  createSsmClient,
  createFirehoseClient,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  LOCAL_CREDENTIALS,
} from './clients';
export type { AwsClientOptions, S3ClientOptions } from './clients';
export { isConditionFailure, cancellationCodes } from './dynamo-errors';
export { cursorKey } from './cursor-key';

export { DynamoDedupeLock } from '../dedupe/dynamo';
export type { DynamoDedupeLockOptions } from '../dedupe/dynamo';
export { DynamoMessageStore } from '../stores/messages/dynamo';
export { DynamoSuppressionStore } from '../stores/suppression/dynamo';
export { DynamoSeenEvents } from '../stores/seen-events/dynamo';
export { DynamoCounters } from '../stores/counters/dynamo';
export { S3RequestStore } from '../stores/requests/s3';
export { DynamoTenantStore } from '../stores/tenants/dynamo';
export { DynamoDomainStore } from '../stores/domains/dynamo';
export { DynamoRouteStore } from '../stores/routes/dynamo';
export { DynamoInboundStore } from '../stores/inbound/dynamo';
export type { TenantStoreOptions } from '../stores/tenants/dynamo';
export { DynamoWebhookEndpointStore } from '../stores/webhooks/dynamo';
export { SsmWebhookSecrets } from '../stores/webhooks/secrets-ssm';
export { SqsDeadLetters, sqsDeadLetters } from '../dead-letters/sqs';
