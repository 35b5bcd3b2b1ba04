import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  InboundAttachment,
  InboundRecord,
  InboundStatus,
  InboundStore,
  InboundRoute,
  InboundUpdate,
  MessageStore,
  RouteStore,
} from '@mailroom/core';
import type { DestinationFactory } from '../destinations/port';
import { parseMessage, type ParsedMessage } from '../parse';
import { InvalidNotificationError, RawMissingError, reasonOf } from './errors';
import { isRawKey, keys } from './keys';
import { PROCESS_LEASE_MS } from './lease';
import { findLinkedMessage, linkEvent } from './linking';
import { readQueueBody, rejectingVerdict, verdictsOf } from './notification';
import type { ReceiptBucket } from './receipt-bucket';

export interface ProcessDeps {
  inbound: InboundStore;
  routes: Pick<RouteStore, 'resolve'>;
  messages: Pick<MessageStore, 'findByProviderMessageId' | 'appendEvent'>;
  bucket: ReceiptBucket;
  destinations: DestinationFactory;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export type ProcessOutcome =
  | { outcome: Exclude<InboundStatus, 'received'>; id: string; reason: string | null }
  /**
   * A redelivery (or a retry order) for mail already past `received`, or that another worker holds:
   * nothing was done.
   */
  | { outcome: 'duplicate'; id: string; status: InboundStatus };

/** A record keeps at most this much attachment metadata (an item holds 400 KB); message.json has it all. */
const MAX_RECORD_ATTACHMENT_BYTES = 200 * 1024;
/** Record fields cut to a size an item can hold whatever the mail; message.json keeps them whole. */
const MAX_RECORD_SUBJECT = 2000;
const MAX_RECORD_TO = 100;
/** A Content-Type a mail gives its attachment is kept only when it is a plain `type/subtype`. */
const SAFE_CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/**
 * Processes one inbound queue body (docs/inbound.md): records the mail once per SES message id, routes
 * it by its envelope recipients, rejects it on a verdict its route names, parses it from the raw MIME
 * in S3 (attachments and the parsed JSON streamed to `parsed/<id>/`), links it to the sent mail it
 * answers, hands it to the route's destination and records how it ended, moving the raw MIME to
 * `processed/` or `failed/`.
 *
 * Throws InvalidNotificationError for a body it cannot read (the record goes to the DLQ in the end) and
 * lets errors of the inbound table or the route and message stores through (the queue redelivers; the
 * record, still `received`, resumes). Every failure of the mail itself ends as a `failed` record.
 */
export async function processMail(body: string, deps: ProcessDeps): Promise<ProcessOutcome> {
  const queued = readQueueBody(body);
  if (queued.kind === 'retry') {
    const record = await deps.inbound.load(queued.id);
    if (!record)
      throw new InvalidNotificationError(`retry order for inbound mail ${queued.id}, which does not exist`);
    if (record.status !== 'received') return { outcome: 'duplicate', id: record.id, status: record.status };
    return resume(record, deps);
  }
  const { notification } = queued;
  const { action } = notification.receipt;
  if (action.bucketName !== deps.bucket.name) {
    throw new InvalidNotificationError(
      `the S3 action wrote to bucket ${action.bucketName}, not the receipt bucket`,
    );
  }
  if (!isRawKey(action.objectKey)) {
    throw new InvalidNotificationError(`the S3 action's object key is not directly under raw/`);
  }
  const { created, record } = await deps.inbound.receive({
    sesMessageId: notification.mail.messageId,
    recipients: notification.receipt.recipients,
    receivedAt: new Date(notification.receipt.timestamp).toISOString(),
    rawKey: action.objectKey,
    verdicts: verdictsOf(notification),
  });
  if (!created && record.status !== 'received') {
    // A crash between moving the raw MIME and deleting the original leaves the original behind.
    if (record.rawKey !== action.objectKey && !record.rawKey.startsWith('raw/'))
      await deps.bucket.remove(action.objectKey);
    deps.logger.info('inbound mail redelivered, already done', { id: record.id, status: record.status });
    return { outcome: 'duplicate', id: record.id, status: record.status };
  }
  return resume(record, deps);
}

/**
 * Takes a `received` record nobody else is working on to its end. One worker at a time: a second
 * delivery of the notification at the same moment finds the claim and does nothing. A run stopped by an
 * error of the tables gives its claim back (a status write ends it) so the queue's redelivery resumes
 * the mail; if even that fails, the stuck sweep takes it up once the lease has ended.
 */
async function resume(start: InboundRecord, deps: ProcessDeps): Promise<ProcessOutcome> {
  const claimed = await deps.inbound.claim(start.id, PROCESS_LEASE_MS);
  if (!claimed) return concluded(start.id, deps);
  try {
    return await work(claimed, deps);
  } catch (err) {
    await deps.inbound.update(claimed.id, { status: 'received' }, ['received']).catch(() => null);
    throw err;
  }
}

async function work(start: InboundRecord, deps: ProcessDeps): Promise<ProcessOutcome> {
  const { inbound, logger } = deps;
  let record: InboundRecord | null = start;

  const route = await routeOf(record.recipients, deps);
  if (!route) {
    // Kept under raw/ (no expiry) with no tenant: a route added later and a retry can still deliver it.
    const reason = 'no route for any envelope recipient';
    if (!(await inbound.update(record.id, { status: 'unrouted', reason }, ['received'])))
      return concluded(record.id, deps);
    logger.info('inbound mail unrouted', { id: record.id });
    return { outcome: 'unrouted', id: record.id, reason };
  }
  record = await step(record, { tenantId: route.tenantId, route: route.pattern }, deps);
  if (!record) return concluded(start.id, deps);

  const verdict = rejectingVerdict(record.verdicts, route.rejectOn);
  if (verdict) return finish(record, 'rejected', `${verdict} verdict FAIL`, deps);

  let parsed: ParsedMessage;
  try {
    parsed = await parseAndStore(record, deps.bucket);
  } catch (err) {
    return finish(record, 'failed', reasonOf(err), deps, err);
  }

  const linked = record.linkedMessageId ?? (await findLinkedMessage(parsed, route.tenantId, deps.messages));
  if (linked !== null && record.linkedMessageId === null) {
    // Appended before the link is recorded: a crash in between appends it again on the retry rather
    // than never.
    const event = linkEvent(record, parsed);
    if (event) await deps.messages.appendEvent(linked, event);
  }
  record = await step(record, { ...parsedFields(record.id, parsed), linkedMessageId: linked }, deps);
  if (!record) return concluded(start.id, deps);

  try {
    const destination = deps.destinations(route.destination);
    const attachments = await Promise.all(
      record.attachments.map(async (a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        url: await deps.bucket.downloadUrl(a.key, a.filename),
      })),
    );
    await destination.deliver({ record, message: parsed, attachments });
  } catch (err) {
    return finish(record, 'failed', reasonOf(err), deps, err);
  }
  return finish(record, 'processed', null, deps);
}

async function routeOf(recipients: string[], deps: ProcessDeps): Promise<InboundRoute | null> {
  // The first envelope recipient with a route decides: one mail, one tenant, one destination.
  for (const recipient of recipients) {
    const route = await deps.routes.resolve(recipient);
    if (route) return route;
  }
  return null;
}

/** One update while the record is `received`; null when another delivery concluded it meanwhile. */
const step = (record: InboundRecord, fields: InboundUpdate, deps: ProcessDeps) =>
  deps.inbound.update(record.id, fields, ['received']);

async function concluded(id: string, deps: ProcessDeps): Promise<ProcessOutcome> {
  const record = await deps.inbound.load(id);
  return { outcome: 'duplicate', id, status: record?.status ?? 'received' };
}

/** Streams the raw MIME through the parser, each attachment and then the parsed JSON into `parsed/<id>/`. */
async function parseAndStore(record: InboundRecord, bucket: ReceiptBucket): Promise<ParsedMessage> {
  const raw = await bucket.read(record.rawKey);
  try {
    const parsed = await parseMessage(raw, async (meta, content) => {
      const type = SAFE_CONTENT_TYPE.test(meta.contentType) ? meta.contentType : 'application/octet-stream';
      await bucket.write(keys.attachment(record.id, meta.index), content, type);
    });
    await bucket.write(keys.message(record.id), JSON.stringify(parsed), 'application/json');
    return parsed;
  } finally {
    raw.destroy();
  }
}

function parsedFields(id: string, parsed: ParsedMessage): InboundUpdate {
  const attachments: InboundAttachment[] = [];
  let bytes = 0;
  for (const a of parsed.attachments) {
    const entry = {
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      key: keys.attachment(id, a.index),
    };
    bytes += Buffer.byteLength(JSON.stringify(entry));
    if (bytes > MAX_RECORD_ATTACHMENT_BYTES) break;
    attachments.push(entry);
  }
  const report = parsed.report?.type === 'delivery-status' ? parsed.report : null;
  return {
    from: parsed.from[0]?.address ?? null,
    to: parsed.to.slice(0, MAX_RECORD_TO).map((a) => a.address),
    subject: parsed.subject.slice(0, MAX_RECORD_SUBJECT),
    parsedKey: keys.message(id),
    attachments,
    dsn: report && {
      action: report.action,
      status: report.status,
      diagnosticCode: report.diagnosticCode,
      finalRecipient: report.finalRecipient,
      originalMessageId: report.originalMessageId,
    },
  };
}

/**
 * Records how the mail ended and moves its raw MIME to `processed/` (processed, rejected) or `failed/`:
 * copy, record (with the new key), then delete the old object, so a crash at any point leaves the MIME
 * where the record says it is.
 */
async function finish(
  record: InboundRecord,
  status: 'processed' | 'rejected' | 'failed',
  reason: string | null,
  deps: ProcessDeps,
  err?: unknown,
): Promise<ProcessOutcome> {
  const to = status === 'failed' ? keys.failed(record.sesMessageId) : keys.processed(record.sesMessageId);
  let rawKey = record.rawKey;
  if (rawKey !== to && !(err instanceof RawMissingError)) {
    await deps.bucket.copy(rawKey, to);
    rawKey = to;
  }
  const done = await deps.inbound.update(record.id, { status, reason, rawKey }, ['received']);
  if (!done) return concluded(record.id, deps);
  if (rawKey !== record.rawKey) await deps.bucket.remove(record.rawKey);
  const log = { id: record.id, status, reason, attempts: record.attempts };
  if (status === 'failed') deps.logger.warn('inbound mail failed', { ...log, err });
  else deps.logger.info(`inbound mail ${status}`, log);
  return { outcome: status, id: record.id, reason };
}
