import type { DeliveryReport } from './types';

/**
 * Delivery status notifications (RFC 3464, multipart/report; report-type=delivery-status) and abuse
 * feedback reports (RFC 5965, report-type=feedback-report), read from the report parts' first bytes.
 */

/** The part types a report is read from; each is kept up to MAX_REPORT_PART_BYTES while it streams. */
export const REPORT_PART_TYPES: ReadonlySet<string> = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'message/feedback-report',
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/rfc822-headers',
  'message/global-headers',
]);

type Fields = Map<string, string>;

/** `Name: value` lines (folded lines joined) into a map; the first of a repeated name wins. */
const parseFields = (block: string): Fields => {
  const fields: Fields = new Map();
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const match = /^([!-9;-~]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  return fields;
};

const BASE64_BLOCK = /^[A-Za-z0-9+/=\r\n]+$/;

/**
 * The blocks of a delivery-status body (per-message fields, then one block per recipient). Some relays
 * (seen from Proofpoint) base64-encode the recipient blocks inside the part; those are decoded.
 */
const fieldBlocks = (text: string): Fields[] =>
  text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .flatMap((block) =>
      BASE64_BLOCK.test(block) && !block.includes(':')
        ? fieldBlocks(Buffer.from(block, 'base64').toString('utf8'))
        : [parseFields(block)],
    );

/** `rfc822; a@b` → `a@b`; `smtp; 550 …` → `550 …`. Values without a type are kept as they are. */
const withoutType = (value: string | undefined): string | null => {
  if (value === undefined || value === '') return null;
  return value.replace(/^[A-Za-z][\w-]*[ \t]*;[ \t]*/, '').trim() || null;
};

const bare = (value: string | undefined): string | null =>
  value === undefined || value === '' ? null : value.replace(/^<|>$/g, '').trim() || null;

/** The Message-ID in a returned message or header block. */
export const messageIdOf = (headerText: string): string | null => {
  const head = headerText.split(/\r?\n\r?\n/)[0] ?? '';
  const id = parseFields(head).get('message-id');
  if (id === undefined) return null;
  const match = /<[^<>\s]+>/.exec(id);
  if (match) return match[0];
  return id === '' ? null : `<${id.replace(/^<|>$/g, '')}>`;
};

export interface ReportParts {
  /** Root Content-Type's `report-type` parameter. */
  reportType: string;
  /** The captured text of each report part, by content type (first part of each type). */
  parts: ReadonlyMap<string, string>;
}

export const readReport = ({ reportType, parts }: ReportParts): DeliveryReport | null => {
  const type = reportType.toLowerCase();
  const original =
    parts.get('message/rfc822') ??
    parts.get('message/global') ??
    parts.get('text/rfc822-headers') ??
    parts.get('message/rfc822-headers') ??
    parts.get('message/global-headers');
  const originalMessageId = original === undefined ? null : messageIdOf(original);

  if (type === 'delivery-status' || type === 'global-delivery-status') {
    const status = parts.get('message/delivery-status') ?? parts.get('message/global-delivery-status') ?? '';
    const [perMessage = new Map<string, string>(), ...recipients] = fieldBlocks(status);
    const withAction = recipients.filter((r) => r.has('action'));
    const recipient =
      withAction.find((r) => r.get('action')!.toLowerCase() === 'failed') ?? withAction[0] ?? recipients[0];
    return {
      type: 'delivery-status',
      action: recipient?.get('action')?.toLowerCase() || null,
      status: recipient?.get('status')?.split(/\s/)[0] || null,
      diagnosticCode: withoutType(recipient?.get('diagnostic-code')),
      finalRecipient: withoutType(recipient?.get('final-recipient') ?? recipient?.get('original-recipient')),
      originalMessageId,
      reportingMta: withoutType(perMessage.get('reporting-mta')),
      feedbackType: null,
    };
  }
  if (type === 'feedback-report') {
    const fields = parseFields(parts.get('message/feedback-report') ?? '');
    return {
      type: 'feedback-report',
      action: null,
      status: null,
      diagnosticCode: null,
      finalRecipient: bare(fields.get('original-rcpt-to')),
      originalMessageId,
      reportingMta: null,
      feedbackType: fields.get('feedback-type')?.toLowerCase() || null,
    };
  }
  return null;
};
