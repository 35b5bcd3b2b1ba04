import { randomUUID } from 'node:crypto';
import { ProviderNoMessageIdError, ProviderRejectedError, providerRuleDetails } from '@mailroom/core';
// Types only: the library is loaded on the first SendGrid send (sendgrid-service.ts).
import type { MailService } from '@sendgrid/mail';
import {
  MESSAGE_ID_TAG,
  TENANT_ID_TAG,
  type Mailbox,
  type MailProvider,
  type OutgoingAttachment,
  type OutgoingMail,
  type ProviderCredentials,
  type SendOptions,
} from './port';

/** Clients kept per container: one per API key in use (tenants' own keys, rotated keys). */
const MAX_CLIENTS = 100;

/**
 * Each address once, first occurrence kept, compared case-insensitively: SendGrid refuses an address
 * twice across a personalization's to, cc and bcc with a 400
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send#limitations), and a recipient wants the
 * mail once anyway.
 */
function once(seen: Set<string>, list: Mailbox[]): Mailbox[] {
  return list.filter((m) => {
    const key = m.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * SendGrid needs a `to` in every personalization. When suppression left none, cc recipients
 * (visible to each other anyway) take its place; with only bcc left, each gets a
 * personalization of their own, so no address is disclosed. An address listed in more than one
 * of to, cc and bcc stays in the most visible one.
 */
function personalizations(mail: OutgoingMail) {
  const seen = new Set<string>();
  const [to, cc, bcc] = [once(seen, mail.to), once(seen, mail.cc), once(seen, mail.bcc)];
  if (to.length) {
    return [{ to, ...(cc.length && { cc }), ...(bcc.length && { bcc }) }];
  }
  if (cc.length) return [{ to: cc, ...(bcc.length && { bcc }) }];
  return bcc.map((recipient) => ({ to: [recipient] }));
}

/** `disposition` and `content_id` keep cid: images working. The helper library passes attachment objects
 * through as given (it does not rename `contentId`), so they are written in the API's own snake case.
 * `content` is the file's placeholder: its base64 is written into the request body (sendgrid-service.ts). */
const attachment = (a: OutgoingAttachment, placeholder: string) => ({
  filename: a.filename,
  type: a.contentType,
  content: placeholder,
  disposition: a.disposition ?? 'attachment',
  ...(a.contentId !== undefined && { content_id: a.contentId }),
});

/**
 * SendGrid v3 `mail/send` through @sendgrid/mail. One MailService per API key: the package's
 * default export is a process-wide singleton, which would mix tenants' keys.
 */
export class SendGridProvider implements MailProvider {
  readonly name = 'sendgrid' as const;
  private readonly services = new Map<string, MailService>();
  /** The attachments of the sends in flight, by placeholder (sendgrid-service.ts). */
  private readonly files = new Map<string, Uint8Array>();

  /** `apiKey`: the platform's key, or how to get it (Parameter Store, adapters/platform-key.ts). */
  constructor(
    private readonly options: {
      apiKey?: string | (() => Promise<string>);
      baseUrl?: string;
      timeoutMs?: number;
    },
  ) {}

  private async service(apiKey: string): Promise<MailService> {
    const known = this.services.get(apiKey);
    if (known) return known;
    // Loaded here, not at cold start: a container that only sends through SES never loads @sendgrid and
    // axios (3 MB of the send function's resident memory after loading, 107 → 104 MB).
    const { mailService } = await import('./sendgrid-service');
    // Two first sends with one key at once each make one; the later replaces the earlier, both send.
    const service = mailService(apiKey, this.options, this.files);
    // Oldest first out: a rotated key's client is not used again.
    if (this.services.size >= MAX_CLIENTS) this.services.delete(this.services.keys().next().value!);
    this.services.set(apiKey, service);
    return service;
  }

  async send(
    mail: OutgoingMail,
    credentials?: ProviderCredentials,
    options: SendOptions = {},
  ): Promise<{ providerMessageId: string }> {
    const platform = this.options.apiKey;
    const apiKey = credentials?.apiKey ?? (typeof platform === 'function' ? await platform() : platform);
    if (!apiKey) throw new Error('No SendGrid API key: set SENDGRID_API_KEY or the tenant’s own key');
    // The HTTP side refuses these before its 202; a request put on the queue directly meets them here.
    // Failing for good beats what SendGrid would do: drop the mail, or the tags past the tenth.
    const problems = providerRuleDetails(mail, 'sendgrid');
    if (problems.length) {
      throw new ProviderRejectedError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
        details: problems,
      });
    }
    // Tags travel as categories; the rules above keep them within SendGrid's 10 of 255 characters.
    const categories = Object.entries(mail.tags).map(([name, value]) => `${name}:${value}`);
    const replyTo = once(new Set(), mail.replyTo); // reply_to_list must be unique, too
    const service = await this.service(apiKey);
    // Unguessable, so no text of the mail can stand in for a file.
    const placeholders = mail.attachments.map((a) => {
      const placeholder = `mailroom-file-${randomUUID()}`;
      this.files.set(placeholder, a.content);
      return placeholder;
    });
    options.leaving?.();
    const [response] = await service
      .send({
        from: mail.from,
        personalizations: personalizations(mail),
        ...(replyTo.length && { replyToList: replyTo }),
        subject: mail.subject,
        ...(mail.text !== undefined && { text: mail.text }),
        ...(mail.html !== undefined && { html: mail.html }),
        headers: mail.headers,
        // Events from the Event Webhook carry custom args back, which is how they find their message.
        customArgs: { [MESSAGE_ID_TAG]: mail.messageId, [TENANT_ID_TAG]: mail.tenantId },
        ...(categories.length && { categories }),
        attachments: mail.attachments.map((a, i) => attachment(a, placeholders[i]!)),
      } as Parameters<MailService['send']>[0])
      .finally(() => placeholders.forEach((placeholder) => this.files.delete(placeholder)));
    const header = response.headers['x-message-id'];
    const providerMessageId = Array.isArray(header) ? header[0] : header;
    if (!providerMessageId)
      throw new ProviderNoMessageIdError('SendGrid accepted the mail but returned no X-Message-Id');
    return { providerMessageId: String(providerMessageId) };
  }
}
