import { ProviderNoMessageIdError } from '@mailroom/core';
import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { MESSAGE_ID_TAG, type MailProvider, type OutgoingMail, type ProviderCredentials } from './port';

// https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send: at most 10 categories,
// each at most 255 characters.
const MAX_CATEGORIES = 10;
/** Clients kept per container: one per API key in use (tenants' own keys, rotated keys). */
const MAX_CLIENTS = 100;

/**
 * SendGrid needs a `to` in every personalization. When suppression left none, cc recipients
 * (visible to each other anyway) take its place; with only bcc left, each gets a
 * personalization of their own, so no address is disclosed.
 */
function personalizations(mail: OutgoingMail) {
  if (mail.to.length) {
    return [
      { to: mail.to, ...(mail.cc.length && { cc: mail.cc }), ...(mail.bcc.length && { bcc: mail.bcc }) },
    ];
  }
  if (mail.cc.length) return [{ to: mail.cc, ...(mail.bcc.length && { bcc: mail.bcc }) }];
  return mail.bcc.map((recipient) => ({ to: [recipient] }));
}

/**
 * SendGrid v3 `mail/send` through @sendgrid/mail. One MailService per API key: the package's
 * default export is a process-wide singleton, which would mix tenants' keys.
 */
export class SendGridProvider implements MailProvider {
  readonly name = 'sendgrid' as const;
  private readonly services = new Map<string, MailService>();

  /** `apiKey`: the platform's key, or how to get it (Parameter Store, adapters/platform-key.ts). */
  constructor(
    private readonly options: {
      apiKey?: string | (() => Promise<string>);
      baseUrl?: string;
      timeoutMs?: number;
    },
  ) {}

  private service(apiKey: string): MailService {
    let service = this.services.get(apiKey);
    if (!service) {
      // The mail service's own client: setting the base URL on @sendgrid/client's singleton
      // would not reach it (TOOLCHAIN.md).
      const client = new Client();
      client.setApiKey(apiKey);
      if (this.options.baseUrl) client.setDefaultRequest('baseUrl', this.options.baseUrl);
      service = new MailService();
      service.setClient(client);
      service.setTimeout(this.options.timeoutMs ?? 10_000);
      // Oldest first out: a rotated key's client is not used again.
      if (this.services.size >= MAX_CLIENTS) this.services.delete(this.services.keys().next().value!);
      this.services.set(apiKey, service);
    }
    return service;
  }

  async send(mail: OutgoingMail, credentials?: ProviderCredentials): Promise<{ providerMessageId: string }> {
    const platform = this.options.apiKey;
    const apiKey = credentials?.apiKey ?? (typeof platform === 'function' ? await platform() : platform);
    if (!apiKey) throw new Error('No SendGrid API key: set SENDGRID_API_KEY or the tenant’s own key');
    const categories = Object.entries(mail.tags)
      .map(([name, value]) => `${name}:${value}`.slice(0, 255))
      .slice(0, MAX_CATEGORIES);
    const [response] = await this.service(apiKey).send({
      from: mail.from,
      personalizations: personalizations(mail),
      ...(mail.replyTo.length && { replyToList: mail.replyTo }),
      subject: mail.subject,
      ...(mail.text !== undefined && { text: mail.text }),
      ...(mail.html !== undefined && { html: mail.html }),
      headers: mail.headers,
      // Events from the Event Webhook carry custom args back, which is how they find their message.
      customArgs: { [MESSAGE_ID_TAG]: mail.messageId },
      ...(categories.length && { categories }),
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        type: a.contentType,
        content: Buffer.from(a.content).toString('base64'),
        disposition: 'attachment',
      })),
    } as Parameters<MailService['send']>[0]);
    const header = response.headers['x-message-id'];
    const providerMessageId = Array.isArray(header) ? header[0] : header;
    if (!providerMessageId)
      throw new ProviderNoMessageIdError('SendGrid accepted the mail but returned no X-Message-Id');
    return { providerMessageId: String(providerMessageId) };
  }
}
