import iconv from 'iconv-lite';
import { canonicalCharset, decodeText, guessCharset } from '../../../src/parse/charset';
import { iso2022jp, sjis } from '../../support/japanese';

describe('decodeText', () => {
  it('uses the declared charset when the bytes are well-formed in it', () => {
    expect(decodeText(iconv.encode('Żółć', 'iso-8859-2'), 'ISO-8859-2')).toBe('Żółć');
    expect(decodeText(iconv.encode('Привет', 'koi8-r'), 'koi8-r')).toBe('Привет');
    expect(decodeText(sjis('①髙﨑'), 'x-sjis')).toBe('①髙﨑');
    expect(decodeText(iso2022jp('全角ＡＢＣ'), 'csISO2022JP')).toBe('全角ＡＢＣ');
  });

  it('guesses when the declaration is missing, ASCII or wrong', () => {
    expect(decodeText(Buffer.from('Grüße', 'latin1'))).toBe('Grüße');
    expect(decodeText(Buffer.from('Grüße', 'latin1'), 'us-ascii')).toBe('Grüße');
    expect(decodeText(Buffer.from('日本語', 'utf8'), 'iso-2022-jp')).toBe('日本語');
    expect(decodeText(iconv.encode('日本語です', 'euc-jp'), 'shift_jis')).toBe('日本語です');
  });

  it('reads windows-1252 punctuation and its unassigned bytes without U+FFFD', () => {
    expect(decodeText(Buffer.from([0x93, 0x61, 0x94, 0x20, 0x85, 0x81]))).toBe('\u201Ca\u201D \u2026\u0081');
  });

  it('keeps a broken declared Shift_JIS text readable rather than guessing windows-1252', () => {
    const broken = Buffer.concat([sjis('請求書'), Buffer.from([0x81]), Buffer.from(' ok')]);
    expect(decodeText(broken, 'shift_jis')).toMatch(/^請求書.* ok$/);
  });
});

describe('guessCharset', () => {
  it.each([
    ['Heinz Müller', 'latin1', 'windows-1252'],
    ['Frösche', 'latin1', 'windows-1252'],
    ['Crème brûlée', 'latin1', 'windows-1252'],
    ['Grüße aus Köln', 'latin1', 'windows-1252'],
    ['Ça coûte 5€', 'latin1', 'windows-1252'],
    ['ご案内', 'shift_jis', 'shift_jis'],
    ['会議の件', 'euc-jp', 'euc-jp'],
    ['テスト', 'utf8', 'utf-8'],
  ] as const)('takes %s in %s for %s', (text, encoding, expected) => {
    const bytes =
      encoding === 'utf8' || encoding === 'latin1'
        ? Buffer.from(text, encoding)
        : iconv.encode(text, encoding);
    expect(guessCharset(bytes)).toBe(expected);
  });
});

describe('canonicalCharset', () => {
  it.each([
    ['"Shift_JIS"', 'shift_jis'],
    ['windows-31j', 'shift_jis'],
    ['ISO-2022-JP*ja', 'iso-2022-jp'],
    ['latin1', 'windows-1252'],
    ['UTF8', 'utf-8'],
    ['', undefined],
  ])('reads %s as %s', (name, expected) => {
    expect(canonicalCharset(name)).toBe(expected);
  });
});
