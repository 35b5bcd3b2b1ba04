import type { LocalCloud } from '@mailroom/local';
import { OutboundEnvSchema, type OutboundConfig } from '../services/outbound/src/config';

/**
 * The outbound config a function would get inside this local cloud: the cloud's env plus the outbound
 * stack's outputs, as serverless.yml passes them. (Outbound's integration tests build theirs the same way
 * in their own support code; bench does not import tests.)
 */
export function outboundConfigFor(cloud: LocalCloud, overrides: Record<string, string> = {}): OutboundConfig {
  const out = cloud.outputs.outbound;
  return OutboundEnvSchema.parse({
    ...cloud.env,
    MAILROOM_MESSAGES_TABLE: out.MessagesTableName,
    MAILROOM_TENANTS_TABLE: out.TenantsTableName,
    MAILROOM_SEND_QUEUE_URL: out.SendQueueUrl,
    MAILROOM_SEND_DLQ_URL: out.SendDLQUrl,
    MAILROOM_ATTACHMENTS_BUCKET: out.AttachmentsBucketName,
    MAILROOM_REQUESTS_BUCKET: out.RequestsBucketName,
    MAILROOM_SEND_MAX_RECEIVE_COUNT: '10',
    MAILROOM_PROVIDER: 'ses',
    MAILROOM_TENANT_SECRETS_PREFIX: '/mailroom/local/tenants',
    ...overrides,
  });
}
