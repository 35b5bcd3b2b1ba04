import { createDynamoDocumentClient, MessageStore, TenantStore } from '@mailroom/core';
import { apiConfig } from './config';

/** The one place that builds real clients and stores from config. */
let deps: { messages: MessageStore; tenants: TenantStore } | undefined;
export function apiDeps() {
  if (!deps) {
    const config = apiConfig();
    const doc = createDynamoDocumentClient({
      region: config.AWS_REGION,
      endpoint: config.MAILROOM_DYNAMODB_ENDPOINT,
    });
    deps = {
      messages: new MessageStore(doc, config.MAILROOM_MESSAGES_TABLE),
      tenants: new TenantStore(doc, config.MAILROOM_TENANTS_TABLE),
    };
  }
  return deps;
}
