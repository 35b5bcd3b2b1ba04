import { finished, pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { HeaderLine } from 'mailparser';
import { MailroomError } from '@mailroom/core';
import { htmlToText } from 'html-to-text';
import {
  MAX_HEADER_BYTES,
  MAX_HTML_TO_TEXT_LENGTH,
  MAX_MIME_PARTS,
  MAX_REPORT_PART_BYTES,
} from './constants';
import { HeaderTooLargeError, MalformedMessageError, NotAMessageError, TooManyPartsError } from './errors';
import { displayFilename } from './filename';
import { decodeHeaderLine, declaredCharset } from './header-bytes';
import { InputGuard } from './input-guard';
import { RawHeaderMailParser } from './mail-parser';
import { readReport, REPORT_PART_TYPES } from './report';
import { Tap } from './tap';
import type { AttachmentInfo, AttachmentSink, MailAddress, ParsedMessage } from './types';

/** What MailParser emits for an attachment (mailparser's own shape). */
interface ParserAttachment {
  type: 'attachment';
  content: Readable;
  contentType: string | false;
  contentDisposition?: string;
  partId: string | null;
  cid?: string;
  headers: Map<string, unknown>;
  release: (() => void) | null;
}

interface ParserText {
  type: 'text';
  text?: string;
  html?: string;
}

interface StructuredValue {
  value: string;
  params: Record<string, string>;
}

interface AddressValue {
  value: { name?: string; address?: string; group?: AddressValue['value'] }[];
}

const asStructured = (value: unknown): StructuredValue | undefined =>
  typeof value === 'object' && value !== null && 'params' in value ? (value as StructuredValue) : undefined;

const addresses = (value: unknown): MailAddress[] => {
  const flat: MailAddress[] = [];
  const walk = (list: AddressValue['value']) => {
    for (const entry of list) {
      if (entry.group) walk(entry.group);
      else if (entry.address) flat.push({ name: entry.name ?? '', address: entry.address });
    }
  };
  for (const object of [value].flat() as (AddressValue | undefined)[]) if (object?.value) walk(object.value);
  return flat;
};

const firstString = (value: unknown): string | null => {
  const first = [value].flat()[0];
  return typeof first === 'string' && first !== '' ? first : null;
};

/** A message has at least one of these (RFC 5322 §3.6 requires From and Date); a header block without any is not mail. */
const MESSAGE_HEADERS: ReadonlySet<string> = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'date',
  'subject',
  'message-id',
  'received',
  'return-path',
  'mime-version',
  'content-type',
]);

/** The text parts' text; for an html-only message, its html as text when the html is short enough. */
const textOf = ({ text, html }: ParserText): string | null => {
  // With skipHtmlToText mailparser puts an empty string where it would have put the html as text.
  if (text !== undefined && text.trim() !== '') return text;
  if (html === undefined) return text ?? null;
  if (html.length > MAX_HTML_TO_TEXT_LENGTH) return null;
  try {
    return htmlToText(html);
  } catch {
    return null;
  }
};

/** mailsplit's limit errors carry code EMAXLEN and tell the two limits apart only in their text. */
const toParseError = (err: unknown): unknown => {
  if (err instanceof MailroomError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'EMAXLEN' && /child nodes/i.test(message)) {
    return new TooManyPartsError(`more than ${MAX_MIME_PARTS} MIME parts`, { cause: err });
  }
  if (code === 'EMAXLEN')
    return new HeaderTooLargeError(`a header block is over ${MAX_HEADER_BYTES} bytes`, { cause: err });
  return new MalformedMessageError('the message could not be parsed', { cause: err });
};

/**
 * Parses raw MIME as it streams in (docs/inbound-parsing.md). Each attachment's decoded content goes to
 * `sink` as it is read, one attachment at a time, and is never held whole; text and html bodies are kept
 * (they are part of the result). Fails with an InboundParseError (errors.ts) for input it cannot parse, or
 * with whatever the sink rejected with or the input stream failed with.
 */
export const parseMessage = async (raw: Readable, sink: AttachmentSink): Promise<ParsedMessage> => {
  const guard = new InputGuard();
  const parser = new RawHeaderMailParser({
    maxHeadSize: MAX_HEADER_BYTES,
    maxChildNodes: MAX_MIME_PARTS,
    // A forwarded or returned message is an attachment of its own, not more body text.
    ignoreEmbedded: true,
    // Delivery status parts stream as attachments and are read into `report`, not appended to the text.
    keepDeliveryStatus: true,
    skipTextToHtml: true,
    // html-to-text runs below, bounded (textOf); mailparser's own limit aborts the whole parse instead.
    skipHtmlToText: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });

  let headers = new Map<string, unknown>();
  let headerLines: HeaderLine[] = [];
  parser.once('headers', (h: Map<string, unknown>) => (headers = h));
  parser.once('headerLines', (lines: HeaderLine[]) => (headerLines = lines));

  const attachments: AttachmentInfo[] = [];
  const reportParts = new Map<string, string>();
  let body: ParserText = { type: 'text' };

  // The sink's own rejection, and a failure to read the input (S3 dropping the connection), are given
  // back as they are: they say nothing about the message, and the caller decides whether to retry.
  let sinkFailure: { err: unknown } | undefined;
  let inputFailure: { err: unknown } | undefined;
  raw.once('error', (err) => (inputFailure = { err }));

  const onAttachment = async (attachment: ParserAttachment): Promise<void> => {
    const index = attachments.length;
    const disposition = asStructured(attachment.headers.get('content-disposition'));
    const contentType = asStructured(attachment.headers.get('content-type'));
    const original = disposition?.params.filename || contentType?.params.name || undefined;
    // mailsplit leaves the type `false` for a Content-Type without a value (`Content-Type: ;`).
    const type = attachment.contentType || 'application/octet-stream';
    const meta = {
      index,
      filename: displayFilename(original, index, type),
      originalFilename: original ?? null,
      contentType: type,
      contentId: attachment.cid || null,
      disposition: attachment.contentDisposition === 'inline' ? ('inline' as const) : ('attachment' as const),
      partId: attachment.partId ?? null,
    };
    const isReport = REPORT_PART_TYPES.has(type);
    const tap = new Tap(isReport ? MAX_REPORT_PART_BYTES : 0);
    attachment.content.once('error', (err) => tap.destroy(err));
    attachment.content.pipe(tap);
    try {
      await sink(meta, tap).catch((err: unknown) => {
        sinkFailure = { err };
        throw err;
      });
      // What the sink left unread is drained here: once released, mailparser writes the rest regardless
      // of backpressure, so an unread tap would fill up.
      if (!tap.readableEnded) {
        tap.resume();
        await finished(tap);
      }
    } finally {
      attachment.release?.();
    }
    attachments.push({ ...meta, size: tap.bytes });
    if (isReport && !reportParts.has(type)) {
      reportParts.set(type, tap.head.toString('utf8'));
    }
  };

  try {
    await pipeline(raw, guard, parser, async (source: AsyncIterable<ParserAttachment | ParserText>) => {
      for await (const data of source) {
        if (data.type === 'attachment') await onAttachment(data);
        else body = data;
      }
    });
  } catch (err) {
    if (sinkFailure) throw sinkFailure.err;
    if (inputFailure) throw inputFailure.err;
    throw toParseError(err);
  }

  if (!headerLines.some(({ key }) => MESSAGE_HEADERS.has(key))) {
    throw new NotAMessageError('no message header field (From, Date, Subject, Content-Type…)');
  }
  const rootCharset = declaredCharset(headerLines);
  const decodedHeaders = headerLines.map(({ line }) => decodeHeaderLine(line, rootCharset));
  const dateValue = decodedHeaders.find((h) => h.name.toLowerCase() === 'date')?.value;
  const date = dateValue === undefined ? null : new Date(dateValue);
  // ISO 8601 as the schema reads it: four-digit years only (a Date of year 20000 prints `+020000-…`).
  const isoDate = date === null || Number.isNaN(date.getTime()) ? null : date.toISOString();
  const rootType = asStructured(headers.get('content-type'));
  const reportType =
    String(rootType?.value || '').toLowerCase() === 'multipart/report'
      ? (rootType?.params['report-type'] ?? '')
      : '';
  const references = [headers.get('references') ?? []]
    .flat()
    .filter((r): r is string => typeof r === 'string');

  return {
    messageId: firstString(headers.get('message-id')),
    inReplyTo: firstString(headers.get('in-reply-to')),
    references,
    subject: firstString(headers.get('subject')) ?? '',
    date: isoDate !== null && /^\d{4}-/.test(isoDate) ? isoDate : null,
    from: addresses(headers.get('from')),
    to: addresses(headers.get('to')),
    cc: addresses(headers.get('cc')),
    replyTo: addresses(headers.get('reply-to')),
    headers: decodedHeaders,
    text: textOf(body),
    html: body.html ?? null,
    attachments,
    report: reportType === '' ? null : readReport({ reportType, parts: reportParts }),
  };
};
