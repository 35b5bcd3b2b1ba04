import { base64DecodedLength, type SendQueueMessage } from '@mailroom/core';
import type { Mailbox, OutgoingAttachment, OutgoingMail } from './providers/port';

/** Reads an uploaded attachment (attachments bucket) for the tenant that owns it. */
export interface AttachmentSource {
  load(tenantId: string, key: string): Promise<Uint8Array>;
  /** Its size in bytes without reading it (S3 HeadObject); undefined when it is gone. */
  size(tenantId: string, key: string): Promise<number | undefined>;
}

type Address = SendQueueMessage['from'];

const mailbox = (address: Address): Mailbox =>
  typeof address === 'string'
    ? { email: address }
    : { email: address.email, ...(address.name && { name: address.name }) };

/** Every to/cc/bcc address of a message. */
export const recipientsOf = (message: Pick<SendQueueMessage, 'to' | 'cc' | 'bcc'>): string[] =>
  [...message.to, ...(message.cc ?? []), ...(message.bcc ?? [])].map((a) => mailbox(a).email);

/**
 * The bytes a message's attachments take once loaded: inline ones from their base64, uploaded ones from
 * the bucket (the queued request does not carry their size). One that is gone counts 0; loading it then
 * fails as it would have anyway.
 */
export async function attachmentBytes(
  message: SendQueueMessage,
  attachments: AttachmentSource,
): Promise<number> {
  const sizes = await Promise.all(
    (message.attachments ?? []).map(async (a) =>
      'content' in a && a.content !== undefined
        ? base64DecodedLength(a.content)
        : ((await attachments.size(message.tenantId, (a as { key: string }).key)) ?? 0),
    ),
  );
  return sizes.reduce((sum, n) => sum + n, 0);
}

/**
 * Builds what a provider sends: addresses normalised, suppressed recipients dropped,
 * attachments loaded (the caller has checked that someone is left to send to).
 */
export async function toOutgoingMail(
  message: SendQueueMessage,
  suppressed: Set<string>,
  attachments: AttachmentSource,
): Promise<OutgoingMail> {
  const keep = (list: Address[] | undefined) =>
    (list ?? []).map(mailbox).filter((m) => !suppressed.has(m.email.toLowerCase()));
  const to = keep(message.to);
  const cc = keep(message.cc);
  const bcc = keep(message.bcc);

  const loaded: OutgoingAttachment[] = await Promise.all(
    (message.attachments ?? []).map(async (a) => ({
      filename: a.filename,
      contentType: a.contentType,
      ...(a.disposition !== undefined && { disposition: a.disposition }),
      ...(a.contentId !== undefined && { contentId: a.contentId }),
      content:
        'content' in a && a.content !== undefined
          ? Buffer.from(a.content, 'base64')
          : await attachments.load(message.tenantId, (a as { key: string }).key),
    })),
  );
  return {
    messageId: message.id,
    tenantId: message.tenantId,
    from: mailbox(message.from),
    to,
    cc,
    bcc,
    replyTo: (Array.isArray(message.replyTo)
      ? message.replyTo
      : message.replyTo
        ? [message.replyTo]
        : []
    ).map(mailbox),
    subject: message.subject,
    ...(message.text !== undefined && { text: message.text }),
    ...(message.html !== undefined && { html: message.html }),
    headers: message.headers ?? {},
    attachments: loaded,
    tags: message.tags ?? {},
  };
}
