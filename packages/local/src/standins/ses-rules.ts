/**
 * SES request rules aws-ses-v2-local does not check, so a send SES would refuse is refused locally too.
 *
 * Addresses are 7-bit ASCII. SES does not support SMTPUTF8: a display name with other characters must be
 * written as RFC 2047 encoded-words (`=?UTF-8?B?...?= <a@b.c>`), and a domain as Punycode
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html, FromEmailAddress;
 * https://docs.aws.amazon.com/ses/latest/dg/send-email-raw.html). What SES answers to a raw UTF-8 name
 * has varied: 400 `InvalidParameterValue` "Illegal address" / "Local address contains control or
 * whitespace" on the query API (https://github.com/openstax/accounts/issues/253), `BadRequestException`
 * on v2 (https://github.com/awslabs/aws-sdk-rust/issues/881), and in older reports a name with the
 * characters silently stripped (https://github.com/aws/aws-sdk-js/issues/1585). The stand-in takes the
 * strict reading, a 400, so a mistake shows up locally instead of as a mangled name in production.
 */
import type { SesApi } from './ses-requests';

export interface SesRuleViolation {
  /** The SES error code: v2 `BadRequestException`, v1 `InvalidParameterValue`. */
  code: string;
  message: string;
}

// Printable ASCII and space: what an address header field may carry once folded (RFC 5322 §3.2).
const ASCII = /^[\x20-\x7e]*$/;

type Json = Record<string, unknown>;
type Field = [name: string, value: string];
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const listed = (name: string, v: unknown): Field[] =>
  Array.isArray(v) ? v.flatMap((s, i): Field[] => (typeof s === 'string' ? [[`${name}[${i}]`, s]] : [])) : [];

/** Every address field of a v2 SendEmail / SendBulkEmail body, with its name. */
function v2Addresses(body: Json): Field[] {
  const destination = (prefix: string, d: unknown): Field[] => {
    const o = asObject(d);
    return (['ToAddresses', 'CcAddresses', 'BccAddresses'] as const).flatMap((k) =>
      listed(`${prefix}Destination.${k}`, o[k]),
    );
  };
  const entries = Array.isArray(body.BulkEmailEntries) ? body.BulkEmailEntries : [];
  return [
    ...(typeof body.FromEmailAddress === 'string'
      ? [['FromEmailAddress', body.FromEmailAddress] as Field]
      : []),
    ...destination('', body.Destination),
    ...listed('ReplyToAddresses', body.ReplyToAddresses),
    ...entries.flatMap((e, i) => destination(`BulkEmailEntries[${i}].`, asObject(e).Destination)),
  ];
}

/** Every address field of a v1 (query API) SendEmail / SendRawEmail form. */
function v1Addresses(form: URLSearchParams): Field[] {
  return [...form.entries()].filter(
    ([k]) =>
      k === 'Source' ||
      /^(Destination\.(To|Cc|Bcc)Addresses|Destinations|ReplyToAddresses)\.member\.\d+$/.test(k),
  );
}

/** The first address SES would refuse as not 7-bit ASCII, as the error SES answers; else undefined. */
export function sesAddressViolation(api: SesApi, body: Buffer): SesRuleViolation | undefined {
  const text = body.toString('utf8');
  let fields: Field[];
  if (api === 'v1') {
    fields = v1Addresses(new URLSearchParams(text));
  } else {
    try {
      fields = v2Addresses(asObject(JSON.parse(text)));
    } catch {
      return undefined; // not JSON: aws-ses-v2-local answers that itself
    }
  }
  const bad = fields.find(([, value]) => !ASCII.test(value));
  if (bad === undefined) return undefined;
  // The field's name only, not its value: v1 errors are XML, and an address holds "<" and ">".
  return {
    code: api === 'v2' ? 'BadRequestException' : 'InvalidParameterValue',
    message: `Illegal address in ${bad[0]}: not 7-bit ASCII. Write a display name as RFC 2047 encoded-words and a domain as Punycode.`,
  };
}
