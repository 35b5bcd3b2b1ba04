// @mailroom/core/testing: in-memory doubles of core's ports, with the same behaviour as the DynamoDB
// adapters, so use cases are unit-tested without emulators. Never imported by service code.
export { InMemoryDedupeLock } from '../dedupe/memory';
export { InMemoryMessageStore } from '../stores/messages/memory';
export type { InMemoryWrite } from '../stores/messages/memory';
export { InMemorySuppressionStore } from '../stores/suppression/memory';
export { InMemorySeenEvents } from '../stores/seen-events/memory';
export { InMemoryCounters } from '../stores/counters/memory';
export { InMemoryRequestStore } from '../stores/requests/memory';
export { InMemoryTenantStore } from '../stores/tenants/memory';
export { InMemoryDomainStore } from '../stores/domains/memory';
export { InMemoryRouteStore } from '../stores/routes/memory';
export { InMemoryInboundStore } from '../stores/inbound/memory';
export { lambdaContext, invokeHttp } from './lambda';
export { queueMessage, queueRecord } from './send-records';
export { listenOnLoopback, silentServer, type LoopbackServer } from './loopback';
export { InMemoryWebhookEndpointStore } from '../stores/webhooks/memory';
export { InMemoryWebhookSecrets } from '../stores/webhooks/secrets-memory';
export { InMemoryDeadLetterQueue } from '../dead-letters/memory';
