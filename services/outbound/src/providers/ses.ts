import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { ProviderNoMessageIdError } from '@mailroom/core';
import { randomUUID } from 'node:crypto';
import { unpooled, type BufferSource } from '../buffer-pool';
import { spliceFiles } from './json-bytes';
import { formatMailbox } from './mailbox';
import {
  MESSAGE_ID_TAG,
  TENANT_ID_TAG,
  type MailProvider,
  type OutgoingAttachment,
  type OutgoingMail,
  type ProviderCredentials,
  type SendOptions,
} from './port';

const utf8 = (Data: string) => ({ Data, Charset: 'UTF-8' });

/** https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Attachment.html; `RawContent` a placeholder. */
const attachment = (a: OutgoingAttachment, placeholder: Uint8Array) => ({
  FileName: a.filename,
  ContentType: a.contentType,
  RawContent: placeholder,
  ContentDisposition: a.disposition === 'inline' ? ('INLINE' as const) : ('ATTACHMENT' as const),
  ...(a.contentId !== undefined && { ContentId: a.contentId }),
});

/**
 * Amazon SES v2 `SendEmail` with simple content (headers and attachments included), so SES
 * builds the MIME. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 *
 * Attachments: the SDK's serializer would make each file's base64 a string, then the body's JSON string,
 * then the bytes of it — a 25 MB file held four times over. So the
 * command carries a short placeholder in each file's place, and a middleware at the start of the build
 * step (before the content length is measured and the body signed) writes the files' base64 into the
 * request body's bytes instead (json-bytes.ts): the file and the bytes sent, nothing else of its size.
 */
export class SesProvider implements MailProvider {
  readonly name = 'ses' as const;

  constructor(
    private readonly client: SESv2Client,
    private readonly options: { configurationSetName?: string; buffers?: BufferSource } = {},
  ) {}

  async send(
    mail: OutgoingMail,
    _credentials?: ProviderCredentials,
    options: SendOptions = {},
  ): Promise<{ providerMessageId: string }> {
    // Placeholders unique to this send, whose base64 the files' base64 replaces in the serialized body.
    const nonce = randomUUID();
    const files = new Map<string, Uint8Array>();
    const placeholders = mail.attachments.map((a, i) => {
      const marker = Buffer.from(`mailroom-attachment-${nonce}-${i}`);
      files.set(marker.toString('base64'), a.content);
      return marker;
    });
    const command = new SendEmailCommand({
      FromEmailAddress: formatMailbox(mail.from),
      Destination: {
        ToAddresses: mail.to.map(formatMailbox),
        CcAddresses: mail.cc.map(formatMailbox),
        BccAddresses: mail.bcc.map(formatMailbox),
      },
      ReplyToAddresses: mail.replyTo.map(formatMailbox),
      ConfigurationSetName: this.options.configurationSetName,
      // Tags come back on every event SES publishes, which is how events find their message.
      EmailTags: [
        ...Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value })),
        { Name: MESSAGE_ID_TAG, Value: mail.messageId },
        { Name: TENANT_ID_TAG, Value: mail.tenantId },
      ],
      Content: {
        Simple: {
          Subject: utf8(mail.subject),
          Body: {
            ...(mail.text !== undefined && { Text: utf8(mail.text) }),
            ...(mail.html !== undefined && { Html: utf8(mail.html) }),
          },
          Headers: Object.entries(mail.headers).map(([Name, Value]) => ({ Name, Value })),
          Attachments: mail.attachments.length
            ? mail.attachments.map((a, i) => attachment(a, placeholders[i]!))
            : undefined,
        },
      },
    });
    const buffers = this.options.buffers ?? unpooled;
    let body: Buffer | undefined;
    if (files.size) {
      command.middlewareStack.add(
        (next) => async (args) => {
          // The SDK's JSON body: its bytes (a string in older versions of the SDK).
          const request = args.request as { body?: unknown };
          if (typeof request.body === 'string' || request.body instanceof Uint8Array)
            request.body = body = spliceFiles(request.body, files, (length) => buffers.take(length));
          return next(args);
        },
        { step: 'build', priority: 'high', name: 'mailroomAttachmentBytes' },
      );
    }
    const { leaving } = options;
    if (leaving) {
      // The last step before the HTTP handler writes the signed request: the send budget learns when the
      // request really leaves, stalls in the SDK's own steps included (rate/budget.ts "Late sends").
      command.middlewareStack.add(
        (next) => async (args) => {
          leaving();
          return next(args);
        },
        { step: 'deserialize', priority: 'low', name: 'mailroomSendBudgetLeaving' },
      );
    }
    const result = await this.client.send(command);
    // SES answered, so it read the whole body: the buffer is free for the next mail. After a failure the
    // socket may still be writing it; it is left to the garbage collector then.
    if (body) buffers.give(body);
    if (!result.MessageId)
      throw new ProviderNoMessageIdError('SES accepted the mail but returned no MessageId');
    return { providerMessageId: result.MessageId };
  }
}
