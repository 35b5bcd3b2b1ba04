import iconv from 'iconv-lite';

export const sjis = (text: string): Buffer => iconv.encode(text, 'shift_jis');
export const eucjp = (text: string): Buffer => iconv.encode(text, 'euc-jp');

/** ISO-2022-JP (RFC 1468): JIS X 0208 runs between ESC $ B and ESC ( B, built from EUC-JP's bytes. */
export const iso2022jp = (text: string): Buffer => {
  const out: number[] = [];
  let kanji = false;
  for (const b of eucjp(text)) {
    if (b >= 0x80 && !kanji) out.push(0x1b, 0x24, 0x42);
    if (b < 0x80 && kanji) out.push(0x1b, 0x28, 0x42);
    kanji = b >= 0x80;
    out.push(b & 0x7f);
  }
  if (kanji) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
};

export const b64word = (charset: string, bytes: Buffer): string =>
  `=?${charset}?B?${bytes.toString('base64')}?=`;
