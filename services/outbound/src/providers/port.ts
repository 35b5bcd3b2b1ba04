/** What the send use case hands a provider: recipients resolved, attachments loaded. */
export interface Mailbox {
  email: string;
  name?: string;
}

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
  /** `inline`: shown in the HTML body where it says `cid:<contentId>`. Default `attachment`. */
  disposition?: 'attachment' | 'inline';
  contentId?: string;
}

export interface OutgoingMail {
  /** Mailroom's id; travels as the SES tag / SendGrid custom arg `mailroom_message_id` (the tenant as `mailroom_tenant_id`). */
  messageId: string;
  tenantId: string;
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  replyTo: Mailbox[];
  subject: string;
  text?: string;
  html?: string;
  headers: Record<string, string>;
  attachments: OutgoingAttachment[];
  tags: Record<string, string>;
}

export type ProviderName = 'ses' | 'sendgrid';

/** A tenant's own provider account: its credentials, and a name for it (the key of its send budget). */
export interface ProviderCredentials {
  /** e.g. `tenant:acme`. */
  account: string;
  /** SendGrid: the tenant's own API key. */
  apiKey?: string;
}

/**
 * One port for every provider. Adapters throw the provider's own errors; the send use case
 * classifies them with core's retry policy, so adapters hold no retry logic.
 */
export interface MailProvider {
  readonly name: ProviderName;
  send(
    mail: OutgoingMail,
    credentials?: ProviderCredentials,
    options?: SendOptions,
  ): Promise<{ providerMessageId: string }>;
}

export interface SendOptions {
  /** Called as the request leaves, as late as the client allows (the send budget's SendSlot.leaving). */
  leaving?: () => void;
}

export const MESSAGE_ID_TAG = 'mailroom_message_id';
/** The tenant's id travels the same way, so the event lake can be queried per tenant (docs/lake.md). */
export const TENANT_ID_TAG = 'mailroom_tenant_id';
