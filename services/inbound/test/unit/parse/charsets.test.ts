import { mail, parse } from '../../support/mime';
import { b64word, eucjp, iso2022jp, sjis } from '../../support/japanese';

// Generated messages for what the fixtures lack: raw 8-bit Japanese header bytes, encoded words split
// and mixed, RFC 2231 names. Each expectation is the text the sender typed.

const noReplacement = (value: unknown) => expect(JSON.stringify(value)).not.toContain('\uFFFD');

describe('raw 8-bit header bytes', () => {
  it('decodes raw Shift_JIS headers with the charset the part declares, trail byte 0x5C included', async () => {
    // ソ is 83 5C in Shift_JIS: read as bytes, its trail is a backslash that would escape the quote.
    const raw = mail(
      Buffer.concat([Buffer.from('From: "'), sjis('ソニー太郎'), Buffer.from('" <taro@example.jp>')]),
      'To: info@example.com',
      Buffer.concat([Buffer.from('Subject: '), sjis('お見積りのご依頼（至急）')]),
      'Content-Type: text/plain; charset=Shift_JIS',
      'Content-Transfer-Encoding: 8bit',
      '',
      sjis('いつもお世話になっております。\r\n'),
    );
    const { message } = await parse(raw);
    expect(message.from).toEqual([{ name: 'ソニー太郎', address: 'taro@example.jp' }]);
    expect(message.subject).toBe('お見積りのご依頼（至急）');
    expect(message.text).toBe('いつもお世話になっております。\n');
    expect(message.headers.find((h) => h.name === 'Subject')!.value).toBe('お見積りのご依頼（至急）');
    noReplacement(message);
  });

  it('decodes raw EUC-JP headers with the declared charset', async () => {
    const raw = mail(
      Buffer.concat([Buffer.from('From: '), eucjp('山田 花子'), Buffer.from(' <hanako@example.jp>')]),
      Buffer.concat([Buffer.from('Subject: '), eucjp('会議の件')]),
      'Content-Type: text/plain; charset=EUC-JP',
      '',
      eucjp('よろしくお願いします'),
    );
    const { message } = await parse(raw);
    expect(message.from).toEqual([{ name: '山田 花子', address: 'hanako@example.jp' }]);
    expect(message.subject).toBe('会議の件');
    expect(message.text).toBe('よろしくお願いします');
  });

  it('decodes unencoded ISO-2022-JP in a header', async () => {
    const raw = mail(
      'From: a@example.jp',
      Buffer.concat([Buffer.from('Subject: '), iso2022jp('日本語の件名'), Buffer.from(' (re)')]),
      'Content-Type: text/plain; charset=ISO-2022-JP',
      '',
      iso2022jp('本文①㈱'),
    );
    const { message } = await parse(raw);
    expect(message.subject).toBe('日本語の件名 (re)');
    // NEC row 13 characters, common in Japanese business mail.
    expect(message.text).toBe('本文①㈱');
  });

  it('guesses undeclared raw Shift_JIS and EUC-JP headers of a multipart message', async () => {
    const raw = mail(
      Buffer.concat([Buffer.from('From: '), sjis('佐藤'), Buffer.from(' <sato@example.jp>')]),
      Buffer.concat([Buffer.from('To: '), eucjp('鈴木'), Buffer.from(' <suzuki@example.jp>')]),
      Buffer.concat([Buffer.from('Subject: '), sjis('ご案内')]),
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'hello',
      '--b--',
    );
    const { message } = await parse(raw);
    expect(message.from).toEqual([{ name: '佐藤', address: 'sato@example.jp' }]);
    expect(message.to).toEqual([{ name: '鈴木', address: 'suzuki@example.jp' }]);
    expect(message.subject).toBe('ご案内');
    expect(message.text).toBe('hello');
  });

  it('reads valid raw UTF-8 as UTF-8 even when the part declares a single-byte charset', async () => {
    const raw = mail(
      'From: a@example.com',
      Buffer.concat([Buffer.from('Subject: '), Buffer.from('Grüße aus Köln', 'utf8')]),
      'Content-Type: text/plain; charset=iso-8859-1',
      '',
      Buffer.from('Café', 'latin1'),
    );
    const { message } = await parse(raw);
    expect(message.subject).toBe('Grüße aus Köln');
    expect(message.text).toBe('Café');
  });

  it('decodes raw Shift_JIS bytes inside a Q encoded word with the word\u2019s charset', async () => {
    const raw = mail(
      'From: a@example.jp',
      Buffer.concat([Buffer.from('Subject: =?Shift_JIS?Q?'), sjis('見積'), Buffer.from('_=82=A0?=')]),
      '',
      'x',
    );
    const { message } = await parse(raw);
    expect(message.subject).toBe('見積 あ');
  });
});

describe('encoded words', () => {
  it('joins a Shift_JIS character split across two folded encoded words, next to a UTF-8 word', async () => {
    const bytes = sjis('株式会社テスト');
    const subject = [
      b64word('Shift_JIS', bytes.subarray(0, 5)),
      b64word('shift_jis', bytes.subarray(5)),
      b64word('UTF-8', Buffer.from(' – 御中', 'utf8')),
    ].join('\r\n ');
    const raw = mail(
      'From: a@example.jp',
      `Subject: ${subject}`,
      `To: ${b64word('ISO-2022-JP', iso2022jp('山田, 太郎'))} <yamada@example.jp>`,
      '',
      'x',
    );
    const { message } = await parse(raw);
    expect(message.subject).toBe('株式会社テスト – 御中');
    // The comma is inside the encoded word: one address, not two.
    expect(message.to).toEqual([{ name: '山田, 太郎', address: 'yamada@example.jp' }]);
  });

  it('keeps the whitespace between an encoded word and plain text', async () => {
    const raw = mail(
      'From: a@example.jp',
      `Subject: Re: ${b64word('ISO-2022-JP', iso2022jp('確認'))} please`,
      '',
      'x',
    );
    const { message } = await parse(raw);
    expect(message.subject).toBe('Re: 確認 please');
  });

  it('guesses the bytes of an encoded word in a charset nobody knows', async () => {
    const raw = mail('From: a@example.jp', `Subject: ${b64word('x-unknown', sjis('テスト'))}`, '', 'x');
    const { message } = await parse(raw);
    expect(message.subject).toBe('テスト');
  });
});

describe('attachment names', () => {
  const withAttachment = (...disposition: (string | Buffer)[]) =>
    mail(
      'From: a@example.jp',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'see attached',
      '--b',
      'Content-Type: application/pdf',
      'Content-Transfer-Encoding: base64',
      ...disposition,
      '',
      Buffer.from('%PDF-1.4').toString('base64'),
      '--b--',
    );

  it('decodes an RFC 2231 UTF-8 file name', async () => {
    const { message } = await parse(
      withAttachment("Content-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.pdf"),
    );
    expect(message.attachments.map((a) => [a.filename, a.originalFilename, a.size])).toEqual([
      ['請求書.pdf', '請求書.pdf', 8],
    ]);
  });

  it('decodes an RFC 2231 Shift_JIS file name split into continuations', async () => {
    const { message } = await parse(
      withAttachment(
        "Content-Disposition: attachment; filename*0*=shift_jis''%90%BF%8B%81;",
        ' filename*1*=%8F%91%81%69%8D%C5%8F%49%94%C5%81%6A.pdf',
      ),
    );
    expect(message.attachments[0]!.filename).toBe('請求書（最終版）.pdf');
  });

  it('decodes RFC 2231 names by the same rules: carrier emoji, an unknown charset, a plain continuation', async () => {
    const cases: [string, string][] = [
      ["filename*=shift_jis''%F9%91%90%BF.pdf", '\u{E6EC}請.pdf'],
      ["filename*=x-unknown''%90%BF%8B%81%8F%91.pdf", '請求書.pdf'],
      ['filename*0*=UTF-8\'\'%E8%AB%8B; filename*1="-final.pdf"', '請-final.pdf'],
    ];
    for (const [disposition, expected] of cases) {
      const { message } = await parse(withAttachment(`Content-Disposition: attachment; ${disposition}`));
      expect(message.attachments[0]!.filename).toBe(expected);
    }
  });

  it('decodes a raw Shift_JIS file name in a part that declares no charset', async () => {
    const { message } = await parse(
      withAttachment(
        Buffer.concat([
          Buffer.from('Content-Disposition: attachment; filename="'),
          sjis('見積書.pdf'),
          Buffer.from('"'),
        ]),
      ),
    );
    expect(message.attachments[0]!.filename).toBe('見積書.pdf');
  });

  it('decodes an encoded-word ISO-2022-JP file name', async () => {
    const { message } = await parse(
      withAttachment(
        `Content-Disposition: attachment; filename="${b64word('ISO-2022-JP', iso2022jp('資料.pdf'))}"`,
      ),
    );
    expect(message.attachments[0]!.filename).toBe('資料.pdf');
  });
});

describe('text bodies', () => {
  it('decodes a quoted-printable Shift_JIS body', async () => {
    const qp = [...sjis('こんにちは')].map((b) => `=${b.toString(16).toUpperCase()}`).join('');
    const raw = mail(
      'From: a@example.jp',
      'Content-Type: text/plain; charset="shift_jis"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      qp,
    );
    const { message } = await parse(raw);
    expect(message.text).toBe('こんにちは');
  });

  it('reads a body that declares ISO-2022-JP but is Shift_JIS', async () => {
    const raw = mail(
      'From: a@example.jp',
      'Content-Type: text/plain; charset=ISO-2022-JP',
      '',
      sjis('本文です'),
    );
    const { message } = await parse(raw);
    expect(message.text).toBe('本文です');
  });
});
