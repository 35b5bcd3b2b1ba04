/**
 * Reads SES sending requests well enough to fail them on purpose and to find their
 * recipients: SES v2 (REST-JSON) `SendEmail` / `SendBulkEmail`, and SES v1 (query)
 * `SendEmail` / `SendRawEmail`. Everything else passes through to aws-ses-v2-local untouched.
 */
import { randomUUID } from 'node:crypto';

export type SesApi = 'v2' | 'v1';

export interface SesSend {
  api: SesApi;
  /** One list per message SES will send (bulk sends one per entry). */
  recipients: string[][];
  /** The From address as sent (FromEmailAddress, Source, or a raw message's From header). */
  from?: string;
  /** ConfigurationSetName, which decides where SES publishes the mail's events. */
  configurationSet?: string;
  /** Message tags (EmailTags / Tags), one map per message as `recipients`. */
  tags?: Array<Record<string, string>>;
  /** The subject, for the events' commonHeaders. */
  subject?: string;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

function destination(value: unknown): string[] {
  const d = asObject(value);
  return [...strings(d.ToAddresses), ...strings(d.CcAddresses), ...strings(d.BccAddresses)];
}

/**
 * Recipients named in a raw MIME message's To/Cc/Bcc headers — what SES uses when a raw
 * send gives no explicit destination. A header scan, not a full MIME parser.
 */
export function rawRecipients(mime: string): string[] {
  const head = mime.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded
    .split(/\r?\n/)
    .filter((line) => /^(to|cc|bcc):/i.test(line))
    .flatMap((line) => line.slice(line.indexOf(':') + 1).match(/[^\s<>,;:"]+@[^\s<>,;:"]+/g) ?? []);
}

/** A raw MIME message's From header, unfolded. */
export function rawFrom(mime: string): string | undefined {
  const head = (mime.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => /^from:/i.test(l));
  return line?.slice(line.indexOf(':') + 1).trim();
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const fromBase64 = (v: unknown): string =>
  typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';

function tagMap(list: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of Array.isArray(list) ? list : []) {
    const { Name, Value } = asObject(tag);
    if (typeof Name === 'string' && typeof Value === 'string') tags[Name] = Value;
  }
  return tags;
}

/** A raw message's Subject header, unfolded (encoded words left as they are). */
function rawSubject(mime: string): string | undefined {
  const head = (mime.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => /^subject:/i.test(l));
  return line?.slice(line.indexOf(':') + 1).trim();
}

/** The send a request asks for, or undefined when it is not a sending request. */
export function readSesSend(
  method: string,
  path: string,
  contentType: string,
  body: Buffer,
): SesSend | undefined {
  if (method !== 'POST') return undefined;
  if (path === '/v2/email/outbound-emails') {
    const json = parseJson(body);
    const explicit = destination(json.Destination);
    const raw = asObject(asObject(json.Content).Raw);
    const mime = raw.Data === undefined ? '' : fromBase64(raw.Data);
    const simple = asObject(asObject(json.Content).Simple);
    return {
      api: 'v2',
      recipients: [explicit.length > 0 ? explicit : rawRecipients(mime)],
      from: text(json.FromEmailAddress) ?? rawFrom(mime),
      configurationSet: text(json.ConfigurationSetName),
      tags: [tagMap(json.EmailTags)],
      subject: text(asObject(simple.Subject).Data) ?? rawSubject(mime),
    };
  }
  if (path === '/v2/email/outbound-bulk-emails') {
    const json = parseJson(body);
    const entries = json.BulkEmailEntries;
    const list = Array.isArray(entries) ? entries : [];
    return {
      api: 'v2',
      from: text(json.FromEmailAddress),
      recipients: list.map((e) => destination(asObject(e).Destination)),
      configurationSet: text(json.ConfigurationSetName),
      tags: list.map((e) => ({ ...tagMap(json.DefaultEmailTags), ...tagMap(asObject(e).ReplacementTags) })),
    };
  }
  if (path === '/' && contentType.includes('x-www-form-urlencoded')) {
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action');
    if (action !== 'SendEmail' && action !== 'SendRawEmail') return undefined;
    const listed = [...form.entries()]
      .filter(([k]) => /^(Destination\.(To|Cc|Bcc)Addresses|Destinations)\.member\.\d+$/.test(k))
      .map(([, v]) => v);
    const mime = fromBase64(form.get('RawMessage.Data'));
    const recipients = listed.length > 0 ? listed : rawRecipients(mime);
    const tags: Record<string, string> = {};
    for (const [key, name] of form.entries()) {
      const n = /^Tags\.member\.(\d+)\.Name$/.exec(key)?.[1];
      const value = n === undefined ? null : form.get(`Tags.member.${n}.Value`);
      if (value !== null) tags[name] = value;
    }
    return {
      api: 'v1',
      recipients: [recipients],
      from: text(form.get('Source')) ?? rawFrom(mime),
      configurationSet: text(form.get('ConfigurationSetName')),
      tags: [tags],
      subject: text(form.get('Message.Subject.Data')) ?? rawSubject(mime),
    };
  }
  return undefined;
}

function parseJson(body: Buffer): Json {
  try {
    return asObject(JSON.parse(body.toString('utf8')));
  } catch {
    return {};
  }
}

/** The message ids of a successful answer, in the order of SesSend.recipients. */
export function sentMessageIds(api: SesApi, body: string): Array<string | undefined> {
  if (api === 'v1') return [/<MessageId>([^<]+)<\/MessageId>/.exec(body)?.[1]];
  const json = asObject(safeJson(body));
  if (typeof json.MessageId === 'string') return [json.MessageId];
  const results = json.BulkEmailEntryResults;
  return (Array.isArray(results) ? results : []).map((r) => {
    const id = asObject(r).MessageId;
    return typeof id === 'string' ? id : undefined;
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface SesErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An SES error as each API shapes it. v2 is REST-JSON: the AWS SDK v3 reads the code from
 * `x-amzn-ErrorType` and the text from `message`. v1 is the query protocol's XML.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html
 */
export function sesError(api: SesApi, status: number, code: string, message: string): SesErrorAnswer {
  const requestId = randomUUID();
  if (api === 'v2') {
    return {
      status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': code,
        'x-amzn-requestid': requestId,
      },
      body: JSON.stringify({ message }),
    };
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type>` +
      `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}
