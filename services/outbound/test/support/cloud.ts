import type { LocalCloud } from '@mailroom/local';
import { OutboundEnvSchema, type OutboundConfig } from '../../src/config';

/** The outbound config a function would get inside this local cloud. */
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

export interface StoredSesMail {
  messageId: string;
  subject: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  attachments: { filename?: string; contentType: string; size: number }[];
}

/** What the SES stand-in has accepted, optionally only mail with this subject. */
export async function sesMailbox(cloud: LocalCloud, subject?: string): Promise<StoredSesMail[]> {
  const store = (await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as { emails: StoredSesMail[] };
  return subject === undefined ? store.emails : store.emails.filter((e) => e.subject === subject);
}

/** Send queue bodies and records for tests (shared with bench/ through @mailroom/core/testing). */
export { queueMessage, queueRecord as record } from '@mailroom/core/testing';
