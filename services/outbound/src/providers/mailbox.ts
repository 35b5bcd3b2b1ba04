import type { Mailbox } from './port';

/** RFC 2047 §2: an encoded-word is at most 75 characters. */
const MAX_ENCODED_WORD = 75;
const PREFIX = '=?UTF-8?B?';
const SUFFIX = '?=';
/** Bytes one B encoded-word carries: 4 base64 characters per 3 bytes, in what is left of the 75. */
const BYTES_PER_WORD = Math.floor((MAX_ENCODED_WORD - PREFIX.length - SUFFIX.length) / 4) * 3;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `text` as RFC 2047 B encoded-words of UTF-8, separated by spaces (which decoders drop between
 * encoded-words, §6.2). Each word holds whole characters (§5: no character split across words).
 */
export function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    words.push(`${PREFIX}${Buffer.concat(chunk).toString('base64')}${SUFFIX}`);
    chunk = [];
    size = 0;
  };
  for (const char of text) {
    const bytes = Buffer.from(char, 'utf8');
    if (size + bytes.length > BYTES_PER_WORD) flush();
    chunk.push(bytes);
    size += bytes.length;
  }
  if (size > 0) flush();
  return words.join(' ');
}

/**
 * A mailbox as an address header's `name-addr`, for providers that take header text (SES). An ASCII name
 * is a quoted-string; any other name is written as encoded-words, since SES takes only 7-bit ASCII and
 * asks for RFC 2047 for the rest (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html,
 * FromEmailAddress). An encoded-word may not sit inside quotes (RFC 2047 §5), so it is left bare; it is
 * made of atext characters only, so it cannot break out of the display name either.
 */
export function formatMailbox({ email, name }: Mailbox): string {
  if (!name) return email;
  if (PRINTABLE_ASCII.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${email}>`;
  return `${encodedWords(name)} <${email}>`;
}
