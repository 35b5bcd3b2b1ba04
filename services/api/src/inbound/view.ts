import type { InboundRecord } from '@mailroom/core';

/**
 * A received mail as `GET /v1/inbound` lists it: the contract's fields except the bodies (`text`, `html`)
 * and the download URLs, which only `GET /v1/inbound/{id}` reads — a page of 100 mails with their bodies
 * would be 100 S3 reads and could pass Lambda's 6 MB response limit.
 */
export const inboundSummary = (record: InboundRecord) => ({
  id: record.id,
  status: record.status,
  from: record.from,
  to: record.to,
  subject: record.subject,
  receivedAt: record.receivedAt,
  route: record.route,
  attachments: record.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
  verdicts: record.verdicts,
  linkedMessageId: record.linkedMessageId,
  dsn: record.dsn,
});
export type InboundSummary = ReturnType<typeof inboundSummary>;
