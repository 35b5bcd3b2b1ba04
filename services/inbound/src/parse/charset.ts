import iconv from 'iconv-lite';

/**
 * Turns bytes into text as a careful mail client does (docs/inbound-parsing.md): the declared charset
 * when the bytes really are in it, otherwise the most likely of UTF-8, the Japanese charsets and
 * windows-1252. Never yields U+FFFD for bytes that some charset in that list can read.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const ESC = 0x1b;

/** Charset names as mail writes them, reduced to the names the decoders below know. */
export const canonicalCharset = (name: string | undefined | null): string | undefined => {
  const raw = (name ?? '')
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  // RFC 2231 §5: an encoded word's charset may carry a language after `*`.
  const cs = raw.split('*')[0] ?? '';
  if (cs === '') return undefined;
  if (/^(us-?)?ascii$|^ansi_x3\.4-1968$|^iso646-us$/.test(cs)) return 'us-ascii';
  if (/^utf-?8$/.test(cs)) return 'utf-8';
  if (/^(csiso2022jp|iso-?2022-?jp(-[123]|-ms)?|jis|cp5022[012])$/.test(cs)) return 'iso-2022-jp';
  if (/^(shift[-_]?jis|s[-_]?jis|x-sjis|cp932|ms932|ms_kanji|windows-31j|csshiftjis|x-ms-cp932)$/.test(cs)) {
    return 'shift_jis';
  }
  if (/^(euc-?jp|x-euc-jp|cseucpkdfmtjapanese|eucjp-(win|ms))$/.test(cs)) return 'euc-jp';
  // WHATWG Encoding: latin1 labels mean windows-1252, which only adds printable characters.
  if (/^(iso-?8859-1|latin-?1|l1|cp819|ibm819|iso_8859-1(:1987)?|windows-1252|cp1252|x-cp1252)$/.test(cs)) {
    return 'windows-1252';
  }
  if (cs === 'ks_c_5601-1987') return 'cp949';
  return cs;
};

/** One byte per character: a wrong guess among these still reads every byte, so UTF-8 is tried first. */
const isSingleByte = (cs: string): boolean =>
  /^(us-ascii|windows-12\d\d|iso-?8859-\d+|koi8-?[ru]|cp12\d\d|cp8\d\d|ibm\d+|mac\w*|tis-?620)$/.test(cs);

export const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const hasHighByte = (bytes: Uint8Array): boolean => bytes.some((b) => b >= 0x80);
const hasEscape = (bytes: Uint8Array): boolean => bytes.includes(ESC);

/** windows-1252, with its five unassigned bytes read as the C1 controls they are in latin1 (as WHATWG does). */
const decodeWindows1252 = (bytes: Buffer): string => {
  const text = iconv.decode(bytes, 'windows-1252');
  if (!text.includes('\uFFFD')) return text;
  let out = '';
  for (let i = 0; i < bytes.length; i++)
    out += text[i] === '\uFFFD' ? String.fromCharCode(bytes[i]!) : text[i];
  return out;
};

const isSjisLead = (b: number): boolean => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);
const isSjisTrail = (b: number): boolean => (b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfc);

/**
 * Shift_JIS as Windows and WHATWG read it (CP932), plus the user-defined rows F0–F9 mapped to the Private
 * Use Area as WHATWG does: Japanese mobile carriers put their emoji there (DoCoMo's F991 is U+E6EC).
 */
const decodeShiftJis = (bytes: Buffer): string => {
  let out = '';
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]!;
    if (!isSjisLead(lead)) continue;
    const trail = bytes[i + 1];
    if (trail === undefined || !isSjisTrail(trail)) continue;
    if (lead >= 0xf0 && lead <= 0xf9) {
      out += iconv.decode(bytes.subarray(start, i), 'shift_jis');
      const pointer = (lead - 0xc1) * 188 + trail - (trail < 0x7f ? 0x40 : 0x41);
      out += String.fromCharCode(0xe000 - 8836 + pointer);
      start = i + 2;
    }
    i++;
  }
  return out + iconv.decode(bytes.subarray(start), 'shift_jis');
};

/**
 * ISO-2022-JP (RFC 1468) rewritten as EUC-JP, which iconv-lite reads with the same JIS X 0208 table
 * (NEC's row 13 included: ①, ㈱). Half-width katakana (ESC ( I) and JIS X 0212 (ESC $ ( D) are kept.
 * Returns undefined for 8-bit input, which is not ISO-2022-JP.
 */
const iso2022jpToEucJp = (bytes: Buffer): Buffer | undefined => {
  if (hasHighByte(bytes)) return undefined;
  const out: number[] = [];
  let mode: 'ascii' | 'x0208' | 'kana' | 'x0212' = 'ascii';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === ESC) {
      const seq = bytes.subarray(i + 1, i + 4).toString('latin1');
      if (seq.startsWith('(B') || seq.startsWith('(J')) mode = 'ascii';
      else if (seq.startsWith('(I')) mode = 'kana';
      else if (seq.startsWith('$@') || seq.startsWith('$B')) mode = 'x0208';
      else if (seq.startsWith('$(D')) mode = 'x0212';
      else if (seq.startsWith('$(Q') || seq.startsWith('$(O')) mode = 'x0208';
      else {
        out.push(b);
        continue;
      }
      i += seq.startsWith('$(') ? 3 : 2;
      continue;
    }
    if (b === 0x0a || b === 0x0d || b < 0x21 || b > 0x7e || mode === 'ascii') {
      out.push(b);
    } else if (mode === 'kana') {
      out.push(0x8e, b | 0x80);
    } else {
      const b2 = bytes[i + 1];
      if (b2 === undefined || b2 < 0x21 || b2 > 0x7e) {
        out.push(b);
        continue;
      }
      if (mode === 'x0212') out.push(0x8f);
      out.push(b | 0x80, b2 | 0x80);
      i++;
    }
  }
  return Buffer.from(out);
};

/**
 * Every 8-bit byte belongs to a well-formed EUC-JP character outside the user-defined rows (lead bytes
 * F5–FE), and at least one lead byte is in A1–DF (symbols, kana, the common kanji). Latin1 text only
 * passes the pair test with two accented letters in a row, and those are lowercase (E0–FF): `üß` in
 * `Grüße` is FC DF.
 */
const isLikelyEucJp = (bytes: Uint8Array): boolean => {
  const hi = (b: number | undefined) => b !== undefined && b >= 0xa1 && b <= 0xfe;
  let commonLead = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    if (b >= 0xa1 && b <= 0xf4 && hi(bytes[i + 1])) {
      if (b <= 0xdf) commonLead = true;
      i += 1;
    } else if (b === 0x8e && bytes[i + 1]! >= 0xa1 && bytes[i + 1]! <= 0xdf) i += 1;
    else if (b === 0x8f && hi(bytes[i + 1]) && hi(bytes[i + 2])) i += 2;
    else return false;
  }
  return commonLead;
};

/**
 * Every 8-bit byte belongs to a JIS X 0208 (or CP932) double-byte character, and at least one lead byte
 * is in 0x81–0x9F: Japanese text nearly always has kana there, while latin1 text never uses those bytes
 * for letters. Half-width katakana and the user-defined rows are left out: in undeclared bytes they are
 * far likelier to be accented Latin letters.
 */
const isLikelyShiftJis = (bytes: Uint8Array): boolean => {
  let lowLead = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    const lead = (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xef);
    const trail = bytes[i + 1];
    if (!lead || trail === undefined || !isSjisTrail(trail)) return false;
    if (b <= 0x9f) lowLead = true;
    i += 1;
  }
  return lowLead;
};

/** Decodes with one charset; undefined when the bytes are not in it (or the charset is unknown). */
const decodeAs = (bytes: Buffer, cs: string): string | undefined => {
  let text: string;
  switch (cs) {
    case 'us-ascii':
      return hasHighByte(bytes) ? undefined : bytes.toString('latin1');
    case 'utf-8':
      return isUtf8(bytes) ? UTF8.decode(bytes) : undefined;
    case 'windows-1252':
      return decodeWindows1252(bytes);
    case 'iso-2022-jp': {
      const euc = iso2022jpToEucJp(bytes);
      if (euc === undefined) return undefined;
      text = iconv.decode(euc, 'euc-jp');
      break;
    }
    case 'shift_jis':
      text = decodeShiftJis(bytes);
      break;
    default:
      if (!iconv.encodingExists(cs)) return undefined;
      text = iconv.decode(bytes, cs);
  }
  return text.includes('\uFFFD') ? undefined : text;
};

/** The charset undeclared (or wrongly declared) bytes are most likely in. */
export const guessCharset = (bytes: Uint8Array): string => {
  const high = hasHighByte(bytes);
  if (!high) return hasEscape(bytes) ? 'iso-2022-jp' : 'us-ascii';
  if (isUtf8(bytes)) return 'utf-8';
  if (isLikelyEucJp(bytes)) return 'euc-jp';
  if (isLikelyShiftJis(bytes)) return 'shift_jis';
  return 'windows-1252';
};

/**
 * Bytes to text. The declared charset wins when the bytes are well-formed in it, except that valid
 * multi-byte UTF-8 beats a single-byte declaration (a mislabelled UTF-8 message; the other way round is
 * vanishingly rare). Otherwise the bytes are guessed (guessCharset), ending in windows-1252, which reads
 * any byte.
 */
export const decodeText = (input: Uint8Array, declared?: string | null): string => {
  const bytes = Buffer.isBuffer(input)
    ? input
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!hasHighByte(bytes) && !hasEscape(bytes) && !/^utf-?(16|32)/i.test(declared ?? '')) {
    return bytes.toString('latin1');
  }
  const cs = canonicalCharset(declared);
  if (cs !== undefined && cs !== 'us-ascii') {
    const preferUtf8 = isSingleByte(cs) && hasHighByte(bytes) && isUtf8(bytes);
    const text = preferUtf8 ? undefined : decodeAs(bytes, cs);
    if (text !== undefined) return text;
  }
  const guess = guessCharset(bytes);
  const guessed = decodeAs(bytes, guess);
  if (guessed !== undefined && (cs === undefined || cs === 'us-ascii' || guess !== 'windows-1252'))
    return guessed;
  // Declared, broken, and like nothing else: the declared charset with a replacement character where it
  // breaks stays readable, where windows-1252 would turn all of it into mojibake.
  return (cs !== undefined && decodeLeniently(bytes, cs)) || decodeWindows1252(bytes);
};

const decodeLeniently = (bytes: Buffer, cs: string): string | undefined => {
  if (cs === 'shift_jis') return decodeShiftJis(bytes);
  if (cs === 'utf-8') return bytes.toString('utf8');
  if (cs === 'iso-2022-jp' || !iconv.encodingExists(cs)) return undefined;
  return iconv.decode(bytes, cs);
};
