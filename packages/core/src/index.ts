// Public API of @mailroom/core. Named exports only; nothing else is imported by services.

export {
  MailroomError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  RateLimitedError,
  ProviderThrottledError,
  ProviderUnavailableError,
  ProviderRejectedError,
  ConfigError,
  toHttpError,
} from './errors';
export type {
  ErrorDetail,
  MailroomErrorOptions,
  RateLimitedErrorOptions,
  HttpError,
  HttpErrorBody,
} from './errors';

export {
  TenantIdSchema,
  UlidSchema,
  IdempotencyKeySchema,
  ApiScopeSchema,
  API_SCOPES,
  MessageStatusSchema,
  MESSAGE_STATUSES,
  ProviderSchema,
} from './schemas/common';
export type { TenantId, ApiScope, MessageStatus, Provider } from './schemas/common';
export {
  EmailSchema,
  DisplayNameSchema,
  AddressObjectSchema,
  AddressSchema,
  normalizeAddress,
} from './schemas/address';
export type { Address, AddressObject } from './schemas/address';
export { HeadersSchema, isReservedHeader, MAX_CUSTOM_HEADERS } from './schemas/headers';
export {
  AttachmentSchema,
  UploadedAttachmentSchema,
  InlineAttachmentSchema,
  AttachmentKeySchema,
  AttachmentUploadRequestSchema,
  ContentTypeSchema,
  FilenameSchema,
  isBlockedFilename,
  base64DecodedLength,
} from './schemas/attachments';
export type { Attachment, AttachmentUploadRequest } from './schemas/attachments';
export {
  SendMailRequestSchema,
  SendQueueMessageSchema,
  TagsSchema,
  MetadataSchema,
  recipientEmails,
} from './schemas/send-mail';
export type { SendMailRequest, SendQueueMessage } from './schemas/send-mail';
export {
  estimateMessageSize,
  estimateQueueBodySize,
  assertMessageSize,
  base64EncodedSize,
} from './schemas/size';
export type { EstimateOptions, SizedMessage } from './schemas/size';
export * as limits from './schemas/limits';
export { validationDetails, validationErrorFromZod, parseOrThrow, TOO_LARGE } from './schemas/issues';

export { classifyError } from './retry/classify';
export type { ErrorClassification } from './retry/classify';
export {
  backoffDelay,
  backoffCeiling,
  backoffSeconds,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
} from './retry/backoff';
export type { BackoffOptions, BackoffSecondsOptions } from './retry/backoff';

export { DEFAULT_LOCK_TTL_SECONDS, lockPk, LOCK_SK } from './dedupe/port';
export type { DedupeLock, DedupeKey, AcquireOptions, AcquireResult, JoinableCompletion } from './dedupe/port';
export { DynamoDedupeLock } from './dedupe/dynamo';
export type { DynamoDedupeLockOptions } from './dedupe/dynamo';
export { InMemoryDedupeLock } from './dedupe/memory';

export { newId, isId, idTime } from './ids';

export { parseEnv, AwsEnvSchema, awsTargets } from './config';
export type { AwsEnv, AwsTarget } from './config';

export {
  createDynamoDocumentClient,
  createSqsClient,
  createS3Client,
  createSnsClient,
  createSesV2Client,
  createSsmClient,
  LOCAL_CREDENTIALS,
} from './aws/clients';
export type { AwsClientOptions } from './aws/clients';
export { isConditionFailure, cancellationCodes } from './aws/dynamo-errors';

export { TenantStore, tenantIdOfKeyId } from './stores/tenants';
export type {
  Tenant,
  TenantFields,
  ApiKeyInfo,
  TenantStoreOptions,
  SendGridKeyOwner,
} from './stores/tenants';
export { hashApiKey, generateApiKey, requireScope } from './stores/api-keys';
export type { Principal } from './stores/api-keys';

export { healthHandler } from './http/health';
export { authorize } from './http/auth';
export type { KeyAuthenticator } from './http/auth';
export { header, jsonBody } from './http/request';
export { json, errorResponse } from './http/respond';

export { MessageStore } from './stores/messages';
export type {
  IdempotencyRecord,
  Transition,
  MessageEvent,
  MessageRecord,
  NewMessage,
} from './stores/messages';
