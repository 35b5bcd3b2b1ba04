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

// RFC 2231 extended parameters: `name*=charset'lang'%XX…`, or in continuations `name*0*=…; name*1*=…;
// name*2=plain`. Quoted segments are allowed for the unencoded ones.
const EXTENDED_PARAM =
  /;[ \t\r\n]*([A-Za-z0-9!#$%&'+.^_`{|}~-]+?)\*(?:(\d+)(\*)?|)[ \t]*=[ \t]*("[^"]*"|[^;\s]*)/g;

const percentDecode = (value: string): Buffer => {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(value.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
};

/**
 * Rewrites RFC 2231 parameters as one `name*=UTF-8''…` each, decoded by the same charset rules (libmime
 * would read a charset it does not know, or Shift_JIS's user-defined rows, as U+FFFD).
 */
const transcodeExtendedParams = (line: string): string => {
  const params = new Map<string, { index: number; encoded: boolean; value: string }[]>();
  const rewritten = line.replace(
    EXTENDED_PARAM,
    (match, name: string, index?: string, star?: string, raw = '') => {
      const encoded = index === undefined || star === '*';
      const value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
      const key = name.toLowerCase();
      params.set(key, [...(params.get(key) ?? []), { index: Number(index ?? 0), encoded, value }]);
      return '';
    },
  );
  if (params.size === 0) return line;
  let added = '';
  for (const [name, segments] of params) {
    segments.sort((a, b) => a.index - b.index);
    let charset: string | undefined;
    const bytes = segments.map((segment, i) => {
      if (!segment.encoded) return Buffer.from(segment.value, 'latin1');
      let value = segment.value;
      const prefix = i === 0 ? /^([^']*)'[^']*'/.exec(value) : null;
      if (prefix) {
        charset = prefix[1] || undefined;
        value = value.slice(prefix[0].length);
      }
      return percentDecode(value);
    });
    const text = decodeText(Buffer.concat(bytes), charset);
    added += `; ${name}*=UTF-8''${encodeURIComponent(text)}`;
  }
  return rewritten.replace(/[ \t]*;?[ \t]*$/, '') + added;
};

/**
 * @param line a header line, one character per byte
 * @param charset the charset the part declares in its Content-Type, if any
 * @returns the line as UTF-8 bytes, one character per byte, as mailparser expects it
 */
export const transcodeHeaderLine = (line: string, charset: string | undefined): string => {
  if (/^content-(type|disposition)[ \t]*:/i.test(line) && line.includes('*')) {
    try {
      line = transcodeExtendedParams(line);
    } catch {
      // left to libmime as it came
    }
  }
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
