// @mailroom/core: the domain — errors, schemas, retry policy, ids, config and the store ports. No AWS SDK
// here. Other entry points: '@mailroom/core/aws' (clients and DynamoDB adapters), '@mailroom/core/http'
// (the HTTP middleware stack), '@mailroom/core/testing' (in-memory doubles). Named exports only.

export {
  MailroomError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  MessageNotRetryableError,
  PayloadTooLargeError,
  RateLimitedError,
  ProviderError,
  ProviderThrottledError,
  ProviderUnavailableError,
  ProviderOutcomeUnknownError,
  ProviderRejectedError,
  ProviderAccountError,
  ProviderNoMessageIdError,
  TenantProviderKeyError,
  SenderDomainNotVerifiedError,
  ConfigError,
  toHttpError,
} from './errors';
export type {
  ErrorDetail,
  MailroomErrorOptions,
  ProviderErrorOptions,
  SendOutcome,
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
  DomainNameSchema,
  normalizeDomain,
  emailDomain,
  domainAndParents,
  isSameOrSubdomain,
  MAX_DOMAIN_LENGTH,
  SES_IDENTITY_TAGS,
  AddDomainRequestSchema,
  ListDomainsQuerySchema,
} from './schemas/domain';
export type { AddDomainRequest, ListDomainsQuery } from './schemas/domain';
export {
  ErrorBodySchema,
  listPageSchema,
  MessageAcceptedSchema,
  AttachmentUploadSchema,
  DomainStatusSchema,
  DomainSchema,
  MeSchema,
  MessageEventSchema,
  MessageSchema,
  MessageSummarySchema,
  MessageRetriedSchema,
  StatsSchema,
  InboundStatusSchema,
  InboundSummarySchema,
  InboundMailSchema,
  InboundRetryAcceptedSchema,
  WebhookSchema,
  CreatedWebhookSchema,
} from './schemas/responses';
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
  MAX_MESSAGE_BYTES_BY_PROVIDER,
} from './schemas/size';
export type { EstimateOptions, MessageSizeOptions, SizedMessage } from './schemas/size';
export { assertProviderRules, providerRuleDetails } from './schemas/provider-rules';
export type { ProviderRuleSubject } from './schemas/provider-rules';
export { jsonProblem } from './schemas/json-depth';
export type { JsonValue } from './schemas/json-depth';
export * as limits from './schemas/limits';
export { validationDetails, validationErrorFromZod, parseOrThrow, TOO_LARGE } from './schemas/issues';

export { classifyError } from './retry/classify';
export type { ErrorClassification } from './retry/classify';
export { toProviderError } from './retry/provider-errors';
export type { ProviderErrorContext } from './retry/provider-errors';
export {
  backoffDelay,
  backoffCeiling,
  backoffSeconds,
  MAX_VISIBILITY_TIMEOUT_SECONDS,
} from './retry/backoff';
export type { BackoffOptions, BackoffSecondsOptions } from './retry/backoff';

export { DEFAULT_LOCK_TTL_SECONDS, lockPk, LOCK_SK } from './dedupe/port';
export type { DedupeLock, DedupeKey, AcquireOptions, AcquireResult, JoinableCompletion } from './dedupe/port';

export { newId, isId, idTime } from './ids';

export {
  LIST_LIMIT,
  MAX_CURSOR_LENGTH,
  LimitSchema,
  CursorParamSchema,
  listQuerySchema,
} from './lists/limit';
export type { ListPage } from './lists/limit';
export { Cursors } from './lists/cursor';
export type { CursorScope, CursorKeySource } from './lists/cursor';
export { lazyDeps } from './deps';

export {
  parseEnv,
  AwsEnvSchema,
  awsTargets,
  CursorEnvSchema,
  cursorKeyIssues,
  KeyCacheEnvSchema,
  MIN_CURSOR_KEY_LENGTH,
} from './config';
export type { AwsEnv, AwsTarget } from './config';

// Store ports: what use cases depend on. Adapters: '@mailroom/core/aws'; in-memory doubles: '@mailroom/core/testing'.
export { IDEMPOTENCY_TTL_SECONDS, UNSENT_STATUSES } from './stores/messages/port';
export type {
  UnsentMessage,
  MessageStore,
  IdempotencyRecord,
  JoinedWrite,
  Transition,
  MessageEvent,
  TimelineEntry,
  MessageRecord,
  MessageFilter,
  MessagePage,
  NewMessage,
} from './stores/messages/port';
export type { SuppressionStore } from './stores/suppression/port';
export type { SeenEvents } from './stores/seen-events/port';
export { SEEN_EVENT_TTL_SECONDS } from './stores/seen-events/port';
export type {
  Counters,
  CounterDelta,
  CounterCounts,
  EventCounter,
  StatCounter,
} from './stores/counters/port';
export { EVENT_COUNTERS, STAT_COUNTERS } from './stores/counters/port';
export type { RequestStore } from './stores/requests/port';
export { requestKey } from './stores/requests/port';
export type { TenantStore } from './stores/tenants/port';
export type {
  DomainStore,
  DomainRecord,
  DomainStatus,
  DomainUpdate,
  DomainPage,
} from './stores/domains/port';
export type { RouteStore, InboundRoute, NewRoute } from './stores/routes/port';
export { INBOUND_STATUSES } from './stores/inbound/port';
export type {
  InboundStore,
  InboundRecord,
  InboundStatus,
  InboundAttachment,
  InboundDsn,
  InboundFilter,
  InboundPage,
  InboundUpdate,
  NewInbound,
  Verdicts,
  VerdictStatus,
} from './stores/inbound/port';
export {
  RoutePatternSchema,
  RouteDestinationSchema,
  VerdictNameSchema,
  VERDICTS,
  routePatternsFor,
} from './schemas/route';
export type { RouteDestination, VerdictName } from './schemas/route';
export { InboundRetryMessageSchema } from './schemas/inbound-queue';
export type { InboundRetryMessage } from './schemas/inbound-queue';
export * from './webhooks';
export type {
  Tenant,
  TenantFields,
  ApiKeyInfo,
  CreateKeyOptions,
  SendGridKeyOwner,
} from './stores/tenants/items';
export { CidrSchema, AllowIpsSchema } from './schemas/cidr';
export { tenantIdOfKeyId } from './stores/tenants/items';
export { hashApiKey, generateApiKey, requireScope } from './stores/tenants/api-keys';
export type { Principal } from './stores/tenants/api-keys';
export {
  MAX_WEBHOOK_ENDPOINTS,
  DISABLE_AFTER_FAILURES,
  DISABLE_AFTER_HOURS,
  WebhookLimitError,
} from './stores/webhooks/port';
export type {
  WebhookEndpoint,
  WebhookEndpointStatus,
  NewWebhookEndpoint,
  WebhookEndpointStore,
  FailureRecorded,
} from './stores/webhooks/port';
export { webhookSecretName, generateWebhookSecret } from './stores/webhooks/secrets';
export type { WebhookSecrets } from './stores/webhooks/secrets';

export * from './dead-letters';
