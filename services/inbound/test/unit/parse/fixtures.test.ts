import { parse } from '../../support/mime';

// Real messages (test/fixtures/README.md), each checked for what a reader sees: subject, names, body
// text and attachment names, exactly.

const names = (list: { name: string }[]) => list.map((a) => a.name);

describe('parseMessage over real mail', () => {
  it('decodes an ISO-2022-JP subject split over two encoded words and a 7-bit ISO-2022-JP body', async () => {
    const { message } = await parse('mime/iso2022jp-subject-and-body.eml');
    expect(message.subject).toBe('日本語メールテスト (testing Japanese emails)');
    expect(message.from).toEqual([{ name: 'Atsushi Eno', address: 'x@x.com' }]);
    expect(names(message.to)).toEqual(['Jeffrey Stedfast']);
    expect(message.text).toBe(
      "Let's see if both subject and body works fine...\n\n日本語が\n正常に\n送れているか\nテスト.\n",
    );
    expect(message.messageId).toBe('<55AE6D15.4010805@veritas-vos-liberabit.com>');
    expect(message.date).toBe('2015-07-21T16:02:29.000Z');
  });

  it('reads Shift_JIS subject and bodies, keeping DoCoMo emoji as their Private Use code points', async () => {
    const { message } = await parse('mime/shift_jis-encoded-subject-alternative.eml');
    // F991 and F9D2 are in Shift_JIS's user-defined rows; DoCoMo's own Unicode mapping puts them at
    // U+E6EC and U+E72D, as WHATWG's Shift_JIS decoder does.
    expect(message.subject).toBe('テスト\u{E6EC}');
    expect(message.text).toBe('テストです\u{E72D}');
    expect(message.html).toContain('<BLINK>テストです\u{E72D}</BLINK>');
    expect(message.from).toEqual([{ name: '', address: 'docomo@docomo.ne.jp' }]);
    expect(message.attachments).toEqual([]);
  });

  it('decodes UTF-8 encoded words in Subject and a To name, and a base64 UTF-8 body', async () => {
    const { message } = await parse('mime/utf8-encoded-words-base64-body.eml');
    expect(message.subject).toBe('まみむめも');
    expect(message.from).toEqual([{ name: 'Mikel Lindsaar', address: 'raasdnil@gmail.com' }]);
    expect(message.to).toEqual([{ name: 'みける', address: 'raasdnil@gmail.com' }]);
    expect(message.text).toBe('かきくえこ\n\n-- \nhttp://lindsaar.net/\nRails, RSpec and Life blog....\n');
  });

  it('streams the cid images and the text attachment of a nested Nodemailer message', async () => {
    const { message, received } = await parse('mime/nodemailer-mixed-alternative-related-cid-images.eml');
    expect(message.subject).toBe('Nodemailer is unicode friendly ✔ (1476358788189)');
    expect(message.from).toEqual([{ name: 'Andris Kreata', address: 'andris@kreata.ee' }]);
    expect(message.to).toEqual([
      { name: 'Andris Reinman', address: 'andris+123@kreata.ee' },
      { name: '', address: 'andris.reinman@gmail.com' },
    ]);
    expect(message.text).toBe('Hello to myself!');
    expect(message.html).toContain('<img src="cid:nyan@example.com"/>');
    expect(message.attachments.map((a) => [a.filename, a.contentType, a.contentId, a.size])).toEqual([
      ['attachment-1', 'text/watch-html', null, 22],
      ['image.png', 'image/png', 'note@example.com', 126],
      ['nyan cat ✔.gif', 'image/gif', 'nyan@example.com', 29361],
      ['notes.txt', 'text/plain', null, 28],
    ]);
    expect(received.map((r) => r.bytes)).toEqual([22, 126, 29361, 28]);
    expect(received.map((r) => r.meta.index)).toEqual([0, 1, 2, 3]);
  });

  it('joins the text of three nested multipart levels and a footer alternative', async () => {
    const { message } = await parse('mime/nested-mixed-related-alternative.eml');
    expect(message.from).toEqual([{ name: '', address: 'u@example.com' }]);
    expect(message.subject).toBe('');
    expect(message.text).toBe('\nDear Sir,\n\nGood evening.\n\n\n\n\n\n\n\nThe footer\n');
    expect(message.attachments).toEqual([]);
  });

  it('reads a raw UTF-8 emoji subject after an mbox From line, and a base64 PDF', async () => {
    const { message, received } = await parse('mime/base64-pdf-attachment-raw-utf8-subject.eml', {
      keep: true,
    });
    expect(message.subject).toBe('Another PDF with 🎉 Unicode chars in it 🍿');
    expect(message.from).toEqual([{ name: 'Test Tester', address: 'xxxx@xxxx.com' }]);
    expect(message.text).toBe(
      'Just attaching another PDF, here, to see what the message looks like,\nand to see if I can figure out what is going wrong here.\n',
    );
    expect(message.attachments.map((a) => [a.filename, a.originalFilename, a.contentType, a.size])).toEqual([
      ['broken.pdf', 'broken.pdf', 'application/pdf', 1026],
    ]);
    expect(received[0]!.content!.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('keeps a forwarded message/rfc822 whole, as an attachment', async () => {
    const { message, received } = await parse('mime/message-rfc822-attachment.eml', { keep: true });
    expect(message.subject).toBe('testing');
    expect(message.text).toBe('This is the first part.');
    expect(message.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['ForwardedMessage.eml', 'message/rfc822', 3781],
    ]);
    expect(received[0]!.content!.toString('latin1')).toContain('broken.pdf');
  });

  it('streams a message that is one base64 image and has no text', async () => {
    const { message, received } = await parse('mime/single-part-base64-image-root.eml', { keep: true });
    expect(message.text).toBeNull();
    expect(message.attachments.map((a) => [a.filename, a.contentType, a.size, a.disposition])).toEqual([
      ['screenshot.png', 'image/png', 425, 'attachment'],
    ]);
    expect(received[0]!.content!.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('reads raw latin1 header and body bytes that declare no charset, without U+FFFD', async () => {
    const { message } = await parse('mime/long-header-4kb-raw-8bit-headers.eml');
    expect(message.subject).toBe('Die Hasen und die Frösche (Microsoft Outlook 00)');
    expect(message.from).toEqual([{ name: 'Doug Sauder', address: 'doug@example.com' }]);
    expect(message.to).toEqual([{ name: 'Heinz Müller', address: 'mueller@example.com' }]);
    expect(message.text).toMatch(
      /^Die Hasen und die Frösche\n\nDie Hasen klagten einst über ihre mißliche Lage;/,
    );
    expect(message.text).toContain('welche also wohl noch unglücklicher sein müssen als wir."');
    expect(JSON.stringify(message)).not.toContain('\uFFFD');
    const long = message.headers.find((h) => h.name === 'X-Test-Long-Header')!;
    expect(long.value.length).toBeGreaterThan(4000);
    expect(message.headers.find((h) => h.name === 'X-Test-Next-Header')!.value).toBe('A-OK');
  });

  it('parses a multipart whose closing boundary never comes', async () => {
    const { message } = await parse('mime/malformed-missing-close-boundary.eml');
    expect(message.subject).toBe('Multipart message without closing boundary');
    expect(message.text).toBe('Multipart message without closing boundary\n');
    expect(message.html).toBe('<div dir="ltr">Multipart message without closing boundary<br></div>\n\n\n');
  });
});

describe('parseMessage over reports', () => {
  it('reads an Amazon SES bounce', async () => {
    const { message } = await parse('dsn/ses-bounce-2017-blocklisted.eml');
    expect(message.subject).toBe('Delivery Status Notification (Failure)');
    expect(message.text).toBe(
      'An error occurred while trying to deliver the mail to the following recipients:\nsironeko@neko.example.org',
    );
    expect(message.report).toEqual({
      type: 'delivery-status',
      action: 'failed',
      status: '5.7.1',
      diagnosticCode:
        '554 5.7.1 <a8-95.smtp-out.amazonses.com[203.0.113.22]>: Client host rejected: blocked using mail.neko.example.org; Please see http://mail.neko.example.org/rbl/?ip=203.0.113.22 to send.',
      finalRecipient: 'sironeko@neko.example.org',
      originalMessageId: '<ffffffffffffffff-00000000-2222-2222-2222-111111111111-ffffff@email.amazonses.com>',
      reportingMta: 'a8-95.smtp-out.amazonses.com',
      feedbackType: null,
    });
    expect(message.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['attachment-1', 'message/delivery-status'],
      ['attachment-2.eml', 'message/rfc822'],
    ]);
  });

  it('reads a SendGrid bounce', async () => {
    const { message } = await parse('dsn/sendgrid-bounce.eml');
    expect(message.from).toEqual([{ name: '', address: 'MAILER-DAEMON@nijo.example.jp' }]);
    expect(message.text).toContain('550 5.1.1 <kijitora@example.jp>... User Unknown  in RCPT TO\n');
    expect(message.report).toEqual({
      type: 'delivery-status',
      action: 'failed',
      status: '5.1.1',
      diagnosticCode: '550 5.1.1 <kijitora@example.jp>... User Unknown',
      finalRecipient: 'kijitora@example.jp',
      originalMessageId: '<F9B4AEED-722D-47FD-929E-3625AF2161BB@example.jp>',
      reportingMta: null,
      feedbackType: null,
    });
    expect(message.attachments.map((a) => a.filename)).toEqual(['attachment-1', '959479146']);
  });

  it('reads a Postfix bounce whose recipient fields a relay base64-encoded', async () => {
    const { message } = await parse('dsn/postfix-bounce-via-office365.eml');
    expect(message.subject).toBe('Undelivered Mail Returned to Sender');
    expect(message.from).toEqual([
      { name: 'Mail Delivery System', address: 'MAILER-DAEMON@hmail.jitbit.com' },
    ]);
    expect(message.text).toContain(
      "I'm sorry to have to inform you that your message could not\nbe delivered",
    );
    expect(message.report).toEqual({
      type: 'delivery-status',
      action: 'failed',
      status: '5.1.1',
      diagnosticCode: '550 5.1.1 <netec.test@netecgc.com>: Recipient address rejected: User unknown',
      finalRecipient: 'netec.test@netecgc.com',
      originalMessageId: '<44565655.JitbitHelpdesk.13439.691a0afc-a0a0-457c-8208-f20b7c4a4cb1@jitbit.com>',
      reportingMta: 'hmail.jitbit.com',
      feedbackType: null,
    });
  });

  it('reads an ARF complaint forwarded by Amazon SES', async () => {
    const { message } = await parse('dsn/ses-complaint-arf-via-yahoo-fbl.eml');
    expect(message.subject).toBe('Fw: Nyaan');
    expect(message.text).toBe(
      'This is an email abuse report for an email message from amazonses.com on Thu, 29 Apr 2017 23:34:45 +0000\n',
    );
    expect(message.report).toEqual({
      type: 'feedback-report',
      action: null,
      status: null,
      diagnosticCode: null,
      finalRecipient: 'kijitora@y.example.com',
      originalMessageId: '<2222222222222222-00000000-eeee-eeee-ffff-222222222222-111111@email.amazonses.com>',
      reportingMta: null,
      feedbackType: 'abuse',
    });
  });

  it('does not take an auto-reply for a report', async () => {
    const { message } = await parse('dsn/autoreply-away-plain.eml');
    expect(message.subject).toBe('Away until May 5');
    expect(message.text).toBe(
      'I am currently away returning to the office on May 5th. I will have limited access to email and will respond to you upon my return.\n\nKijitora, Nyaan.\n\n',
    );
    expect(message.report).toBeNull();
    expect(message.headers.find((h) => h.name === 'Auto-Submitted')!.value).toBe('auto-replied');
  });
});
