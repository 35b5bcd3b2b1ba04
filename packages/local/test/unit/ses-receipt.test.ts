import received from '../fixtures/ses/received-s3-action.json';
import { HeaderTap } from '../../src/standins/header-tap';
import {
  LOCAL_VERDICTS,
  NOTIFICATION_HEADERS_BYTES,
  newSesMessageId,
  receivedNotification,
  type ReceivedMail,
} from '../../src/standins/ses-receipt';

const action = { topicArn: 'arn:aws:sns:us-east-1:000000000000:t', bucketName: 'b', objectKeyPrefix: 'raw/' };

const tapOf = (text: string, limit?: number) => {
  const tap = new HeaderTap(limit);
  // One byte at a time: a blank line split across chunks is still found.
  for (const byte of Buffer.from(text, 'utf8')) tap.push(Buffer.from([byte]));
  return tap;
};

const mail = (headerText: string, overrides: Partial<ReceivedMail> = {}): ReceivedMail => {
  const tap = tapOf(headerText);
  return {
    messageId: newSesMessageId(),
    receivedAt: new Date('2026-12-03T10:00:00.000Z'),
    envelopeFrom: 'bounce@sender.example',
    envelopeTo: ['a@in.acme.localhost', 'hidden@in.acme.localhost'],
    headers: tap.headers(),
    headerBlockCut: tap.cut,
    ...overrides,
  };
};

/** Every key path of a JSON value, arrays described by their first element. */
const shape = (value: unknown, path = ''): string[] => {
  if (Array.isArray(value)) return value.length ? shape(value[0], `${path}[]`) : [`${path}[]`];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ...shape(v, `${path}.${k}`)]);
  return [];
};

describe('SES Received notification', () => {
  const sample =
    'From: "Sender, Ann" <ann@sender.example>\r\nTo: a@in.acme.localhost, "B" <b@in.acme.localhost>\r\n' +
    'Cc: c@in.globex.localhost\r\nSubject: =?UTF-8?B?44GT44KT44Gr44Gh44Gv?=\r\n  world\r\n' +
    'Date: Thu, 3 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m1@sender.example>\r\n\r\nbody: not a header\r\n';

  it('has the shape SES publishes for an S3 action, plus the object key prefix', () => {
    const ours = shape(receivedNotification(mail(sample), action, { ...LOCAL_VERDICTS, dmarc: 'FAIL' }));
    // The real sample has no Reply-To or Sender, and its rule had no object key prefix.
    const theirs = shape(received);
    expect(ours.filter((p) => !theirs.includes(p))).toEqual([
      '.mail.commonHeaders.cc',
      '.receipt.action.objectKeyPrefix',
    ]);
    expect(theirs.filter((p) => !ours.includes(p))).toEqual([]);
  });

  it('names the envelope recipients as the receipt recipients and the To/Cc addresses as the destination', () => {
    const n = receivedNotification(mail(sample), action, LOCAL_VERDICTS) as typeof received;
    expect(n.receipt.recipients).toEqual(['a@in.acme.localhost', 'hidden@in.acme.localhost']);
    expect(n.mail.destination).toEqual([
      'a@in.acme.localhost',
      'b@in.acme.localhost',
      'c@in.globex.localhost',
    ]);
    expect(n.mail.source).toBe('bounce@sender.example');
    expect(n.mail.commonHeaders).toEqual({
      returnPath: 'bounce@sender.example',
      from: ['"Sender, Ann" <ann@sender.example>'],
      to: ['a@in.acme.localhost', '"B" <b@in.acme.localhost>'],
      cc: ['c@in.globex.localhost'],
      date: 'Thu, 3 Dec 2026 10:00:00 +0000',
      messageId: '<m1@sender.example>',
      subject: 'こんにちは world',
    });
    expect(n.mail.headers.map((h: { name: string }) => h.name)).toEqual([
      'From',
      'To',
      'Cc',
      'Subject',
      'Date',
      'Message-ID',
    ]);
    expect(n.receipt.action).toEqual({ type: 'S3', ...action, objectKey: `raw/${n.mail.messageId}` });
    expect(n.receipt).not.toHaveProperty('dmarcPolicy');
  });

  it('truncates the header list past 10 KB and says so', () => {
    const long = Array.from({ length: 40 }, (_, i) => `X-Trace-${i}: ${'t'.repeat(400)}\r\n`).join('');
    const n = receivedNotification(
      mail(`${long}Subject: late\r\n\r\n`),
      action,
      LOCAL_VERDICTS,
    ) as typeof received;
    expect(n.mail.headersTruncated).toBe(true);
    expect(JSON.stringify(n.mail.headers).length).toBeLessThan(NOTIFICATION_HEADERS_BYTES + 1024);
    // The common headers still come from the whole block.
    expect(n.mail.commonHeaders.subject).toBe('late');
  });

  it('marks the headers truncated when the header block never ends within the tap', () => {
    const tap = tapOf(`Subject: x\r\nX-Long: ${'y'.repeat(500)}`, 100);
    expect(tap.cut).toBe(true);
    const n = receivedNotification(
      mail('', { headers: tap.headers(), headerBlockCut: tap.cut }),
      action,
      LOCAL_VERDICTS,
    ) as typeof received;
    expect(n.mail.headersTruncated).toBe(true);
  });

  it('reads LF-only header blocks and stops at the first empty line', () => {
    const tap = tapOf('Subject: one\nX-A: folded\n two\n\nX-Body: no\n');
    expect(tap.headers()).toEqual([
      { name: 'Subject', value: 'one' },
      { name: 'X-A', value: 'folded two' },
    ]);
  });

  it('leaves out the common headers a mail lacks, and the return path of the null sender', () => {
    const n = receivedNotification(
      mail('X-Only: 1\r\n\r\n', { envelopeFrom: '' }),
      action,
      LOCAL_VERDICTS,
    ) as {
      mail: { commonHeaders: object; source: string; destination: string[] };
    };
    expect(n.mail.commonHeaders).toEqual({});
    expect(n.mail.source).toBe('');
    expect(n.mail.destination).toEqual([]);
  });

  it('makes 40-character base32hex message ids, as SES does', () => {
    const ids = new Set(Array.from({ length: 1000 }, newSesMessageId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-v]{40}$/);
  });
});
