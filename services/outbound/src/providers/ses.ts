import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { ProviderNoMessageIdError } from '@mailroom/core';
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

/** https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Attachment.html */
const attachment = (a: OutgoingAttachment) => ({
  FileName: a.filename,
  ContentType: a.contentType,
  RawContent: a.content,
  ContentDisposition: a.disposition === 'inline' ? ('INLINE' as const) : ('ATTACHMENT' as const),
  ...(a.contentId !== undefined && { ContentId: a.contentId }),
});

/**
 * Amazon SES v2 `SendEmail` with simple content (headers and attachments included), so SES
 * builds the MIME. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 */
export class SesProvider implements MailProvider {
  readonly name = 'ses' as const;

  constructor(
    private readonly client: SESv2Client,
    private readonly options: { configurationSetName?: string } = {},
  ) {}

  async send(
    mail: OutgoingMail,
    _credentials?: ProviderCredentials,
    options: SendOptions = {},
  ): Promise<{ providerMessageId: string }> {
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
          Attachments: mail.attachments.length ? mail.attachments.map(attachment) : undefined,
        },
      },
    });
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
    if (!result.MessageId)
      throw new ProviderNoMessageIdError('SES accepted the mail but returned no MessageId');
    return { providerMessageId: result.MessageId };
  }
}
