import libmime from 'libmime';
import { decodeText } from './charset';
import type { DecodedHeader } from './types';

/**
 * Raw header bytes, decoded before mailparser sees them. mailsplit hands over each header line with one
 * character per byte, and mailparser reads those bytes as UTF-8: raw Shift_JIS, EUC-JP or latin1 bytes
 * become U+FFFD, and libmime reads the payload of an encoded word with raw 8-bit bytes in it the same
 * way. transcodeHeaderLine rewrites a line so that the bytes mailparser reads are UTF-8 that says what
 * the sender meant (docs/inbound-parsing.md):
 * - raw 8-bit (or ISO-2022-JP escaped) text outside encoded words is decoded with the part's declared
 *   charset, else guessed, and written back as UTF-8;
 * - each run of adjacent RFC 2047 encoded words is decoded here, joining the bytes of neighbouring words
 *   in the same charset (senders split multi-byte characters across words), and written back as one
 *   UTF-8 encoded word, so that what it decodes to (a comma, a quote, an angle bracket) is still one
 *   word to the address parser.
 */

const ENCODED_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=/g;
const FOLDING_WHITESPACE = /^[ \t\r\n]*$/;

interface Word {
  charset: string;
  bytes: Buffer;
}

const wordBytes = (encoding: string, payload: string): Buffer => {
  if (encoding.toUpperCase() === 'B') return Buffer.from(payload.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    const hex = payload.slice(i + 1, i + 3);
    if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c === 0x5f ? 0x20 : c & 0xff);
    }
  }
  return Buffer.from(bytes);
};

const charsetKey = (charset: string): string => (charset.split('*')[0] ?? '').toLowerCase();

/** Decodes a run of adjacent encoded words into one UTF-8 encoded word. */
const encodeRun = (run: Word[]): string => {
  let text = '';
  for (let i = 0; i < run.length;) {
    const charset = run[i]!.charset;
    const parts: Buffer[] = [];
    while (i < run.length && charsetKey(run[i]!.charset) === charsetKey(charset)) parts.push(run[i++]!.bytes);
    text += decodeText(Buffer.concat(parts), charset);
  }
  return text === '' ? '' : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
};

const transcodeText = (text: string, charset: string | undefined): string => {
  // eslint-disable-next-line no-control-regex -- ESC starts ISO-2022-JP's shifts
  if (!/[\x80-\xff\x1b]/.test(text)) return text;
  return Buffer.from(decodeText(Buffer.from(text, 'latin1'), charset), 'utf8').toString('latin1');
};

/**
 * @param line a header line, one character per byte
 * @param charset the charset the part declares in its Content-Type, if any
 * @returns the line as UTF-8 bytes, one character per byte, as mailparser expects it
 */
export const transcodeHeaderLine = (line: string, charset: string | undefined): string => {
  // eslint-disable-next-line no-control-regex -- ESC starts ISO-2022-JP's shifts
  if (!/[\x80-\xff\x1b]|=\?/.test(line)) return line;
  let out = '';
  let last = 0;
  let run: Word[] = [];
  for (const match of line.matchAll(ENCODED_WORD)) {
    const gap = line.slice(last, match.index);
    // RFC 2047 §6.2: whitespace between adjacent encoded words is not part of the text.
    if (run.length === 0 || !FOLDING_WHITESPACE.test(gap)) {
      out += encodeRun(run) + transcodeText(gap, charset);
      run = [];
    }
    run.push({ charset: match[1]!, bytes: wordBytes(match[2]!, match[3]!) });
    last = match.index + match[0].length;
  }
  return out + encodeRun(run) + transcodeText(line.slice(last), charset);
};

/** The charset parameter of a part's Content-Type among its raw header lines. */
export const declaredCharset = (lines: readonly { key: string; line: string }[]): string | undefined => {
  const contentType = lines.find((l) => l.key === 'content-type');
  if (contentType === undefined) return undefined;
  const { value } = libmime.decodeHeader(contentType.line);
  return libmime.parseHeaderValue(value).params.charset || undefined;
};

/** One raw header line as readable text. */
export const decodeHeaderLine = (line: string, charset: string | undefined): DecodedHeader => {
  const colon = line.indexOf(':');
  const name = colon < 0 ? '' : line.slice(0, colon).trim();
  const { value } = libmime.decodeHeader(transcodeHeaderLine(line, charset));
  const utf8 = Buffer.from(value, 'latin1').toString('utf8');
  let decoded = utf8;
  try {
    decoded = libmime.decodeWords(utf8);
  } catch {
    // an encoded word libmime cannot read stays as it came
  }
  return { name, value: decoded };
};
