import { newId } from '../../ids';
import { ValidationError } from '../../errors';
import type { InboundRecord, NewInbound } from './port';

/** ISO timestamps in one format (`toISOString`), so that they compare as strings. */
export const isoTime = (value: string, path: string): string => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ValidationError(`${path} is not a timestamp`, {
      details: [{ path, message: 'expected an ISO 8601 timestamp' }],
    });
  return new Date(ms).toISOString();
};

/**
 * A record's position in a listing: `<receivedAt>#<id>`, which sorts by arrival (ULIDs break ties). It is
 * what InboundPage.last holds and `after` takes back.
 */
export const position = (record: Pick<InboundRecord, 'receivedAt' | 'id'>): string =>
  `${record.receivedAt}#${record.id}`;

const POSITION = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)#([0-9A-HJKMNP-TV-Z]{26})$/;

/** The id inside a position passed back as `after`; a ValidationError when it is not one of ours. */
export const positionId = (after: string): string => {
  const match = POSITION.exec(after);
  if (!match) {
    throw new ValidationError('invalid position', {
      details: [{ path: 'after', message: 'pass back a page position exactly as received' }],
    });
  }
  return match[2]!;
};

/** Upper bound (inclusive) of positions received at or before `until`. */
export const untilBound = (until: string) => `${until}#~`;

export const newInbound = (mail: NewInbound, now: Date): InboundRecord => ({
  id: newId(now.getTime()),
  sesMessageId: mail.sesMessageId,
  tenantId: null,
  status: 'received',
  route: null,
  recipients: [...new Set(mail.recipients.map((r) => r.toLowerCase()))],
  from: null,
  to: [],
  subject: null,
  receivedAt: isoTime(mail.receivedAt, 'receivedAt'),
  updatedAt: now.toISOString(),
  rawKey: mail.rawKey,
  parsedKey: null,
  attachments: [],
  verdicts: { ...mail.verdicts },
  linkedMessageId: null,
  dsn: null,
  attempts: 0,
  reason: null,
});

const FIELDS: readonly (keyof InboundRecord)[] = [
  'id',
  'sesMessageId',
  'tenantId',
  'status',
  'route',
  'recipients',
  'from',
  'to',
  'subject',
  'receivedAt',
  'updatedAt',
  'rawKey',
  'parsedKey',
  'attachments',
  'verdicts',
  'linkedMessageId',
  'dsn',
  'attempts',
  'reason',
];

/** A stored item (or a twin's copy) as the port's type: the record's fields only, keys left behind. */
export const toInbound = (item: Record<string, unknown>): InboundRecord => {
  const record: Record<string, unknown> = {};
  for (const field of FIELDS) record[field] = structuredClone(item[field] ?? null);
  record.recipients ??= [];
  record.to ??= [];
  record.attachments ??= [];
  record.verdicts ??= {};
  record.attempts = Number(record.attempts ?? 0);
  return record as unknown as InboundRecord;
};
