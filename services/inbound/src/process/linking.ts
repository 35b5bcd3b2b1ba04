import type { MessageStore, InboundRecord } from '@mailroom/core';
import type { ParsedMessage } from '../parse';

/**
 * SES names the mail it sends `<sesMessageId@email.amazonses.com>` (us-east-1) or
 * `<sesMessageId@<region>.amazonses.com>`; the SES message id is what the send recorded as its
 * providerMessageId. Mail sent through SendGrid carries a Message-ID SendGrid does not report back, so
 * replies to it are not linked.
 */
const SES_MESSAGE_ID = /^<?([^<>@\s]+)@(?:[a-z0-9-]+\.)*amazonses\.com>?$/i;

/** At most this many ids are looked up per mail (a long References chain is read from its newest end). */
const MAX_LOOKUPS = 10;

export const sesIdOf = (messageId: string): string | null =>
  SES_MESSAGE_ID.exec(messageId.trim())?.[1] ?? null;

const idsIn = (value: string | null): string[] => value?.match(/<[^<>\s]+>/g) ?? (value ? [value] : []);

/**
 * Message-IDs that may name a mail Mailroom sent, most telling first: a delivery report's original
 * message, else In-Reply-To, then References from newest to oldest.
 */
export const candidateIds = (parsed: ParsedMessage): string[] => {
  const ids = parsed.report?.originalMessageId
    ? idsIn(parsed.report.originalMessageId)
    : [...idsIn(parsed.inReplyTo), ...parsed.references.flatMap(idsIn).reverse()];
  return [...new Set(ids)].slice(0, MAX_LOOKUPS);
};

export type LinkKind = 'bounced' | 'replied' | null;

/** What the link adds to the sent mail's timeline: a failed delivery report bounces, an ordinary mail replies. */
export const linkKind = (parsed: ParsedMessage): LinkKind => {
  if (parsed.report === null) return 'replied';
  if (parsed.report.type === 'delivery-status' && parsed.report.action?.toLowerCase() === 'failed')
    return 'bounced';
  return null;
};

/**
 * The id of the sent mail this one replies to or reports on, when it is the route's tenant's; null
 * otherwise (another tenant's mail is never linked, nor its timeline touched).
 */
export async function findLinkedMessage(
  parsed: ParsedMessage,
  tenantId: string,
  messages: Pick<MessageStore, 'findByProviderMessageId'>,
): Promise<string | null> {
  for (const candidate of candidateIds(parsed)) {
    const sesId = sesIdOf(candidate);
    if (sesId === null) continue;
    const message = await messages.findByProviderMessageId('ses', sesId);
    if (message && message.tenantId === tenantId) return message.id;
  }
  return null;
}

/** The timeline event the link adds, or null. */
export const linkEvent = (record: InboundRecord, parsed: ParsedMessage) => {
  const type = linkKind(parsed);
  if (type === null) return null;
  const data: Record<string, unknown> = { inboundId: record.id };
  if (type === 'bounced') {
    data.status = parsed.report?.status ?? null;
    data.diagnosticCode = parsed.report?.diagnosticCode ?? null;
    data.recipient = parsed.report?.finalRecipient ?? null;
  } else data.from = parsed.from[0]?.address ?? null;
  return { type, provider: null, data };
};
