import { MailroomError } from '@mailroom/core';
import { InvalidNotificationError } from '../../../src/process/errors';
import { processMail } from '../../../src/process/process-mail';
import { fixture, harness, notification, sesId } from '../../support/inbound';

class ReceiverGone extends MailroomError {
  readonly code = 'TEST.RECEIVER_GONE';
  readonly retryable = false;
  readonly httpStatus = 502;
}
class ReceiverDown extends MailroomError {
  readonly code = 'TEST.RECEIVER_DOWN';
  readonly retryable = true;
  readonly httpStatus = 503;
}

const ACME = 'in.acme.localhost';
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

const setup = async () => {
  const h = harness();
  await h.routes.put({ pattern: `*@${ACME}`, tenantId: 'acme', destination: { type: 'store' } });
  const deliver = async (
    raw: Buffer | string,
    recipients = [`inbox@${ACME}`],
    options: Parameters<typeof notification>[2] = {},
  ) => {
    const id = sesId();
    h.bucket.put(`raw/${id}`, raw);
    const body = JSON.stringify(notification(id, recipients, options));
    return { id, body, result: await processMail(body, h.deps) };
  };
  return { ...h, deliver };
};

const simple = (subject = 'hello', extra = '') =>
  `From: Sender <sender@example.com>\r\nTo: someone@elsewhere.example\r\nSubject: ${subject}\r\nMessage-ID: <m1@example.com>\r\n${extra}\r\nbody\r\n`;

describe('processMail', () => {
  it('records, parses, stores and delivers a Japanese mail, then moves its raw MIME to processed/', async () => {
    const h = await setup();
    const raw = fixture('mime/iso2022jp-subject-and-body.eml');
    const { id, result } = await h.deliver(raw);
    expect(result).toEqual({ outcome: 'processed', id: expect.stringMatching(ULID), reason: null });
    const record = await h.inbound.load(result.id);
    expect(record).toMatchObject({
      sesMessageId: id,
      tenantId: 'acme',
      status: 'processed',
      route: `*@${ACME}`,
      recipients: [`inbox@${ACME}`],
      from: 'x@x.com',
      subject: '日本語メールテスト (testing Japanese emails)',
      rawKey: `processed/${id}`,
      parsedKey: `parsed/${result.id}/message.json`,
      attempts: 1,
      reason: null,
      linkedMessageId: null,
      dsn: null,
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' },
    });
    expect(h.bucket.keys('raw/')).toEqual([]);
    expect(h.bucket.objects.get(`processed/${id}`)?.body.equals(raw)).toBe(true);
    const stored = JSON.parse(h.bucket.text(`parsed/${result.id}/message.json`)!);
    expect(stored.text).toContain('日本語が\n正常に');
    expect(h.delivered).toHaveLength(1);
    expect(h.delivered[0]?.delivery.record.id).toBe(result.id);
    expect((h.delivered[0]?.delivery.message as { subject: string }).subject).toBe(record?.subject);
  });

  it('streams each attachment to parsed/<id>/<n> under a generated key, whatever the mail names it', async () => {
    const h = await setup();
    const part = (name: string, body: string) =>
      `--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="${name}"\r\n\r\n${body}\r\n`;
    const raw =
      'From: a@example.com\r\nSubject: files\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
      '--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n' +
      part('../../etc/passwd', 'root:x:0:0') +
      part('evil\u0000name.txt', 'nul') +
      '--b--\r\n';
    const { result } = await h.deliver(raw);
    expect(result.outcome).toBe('processed');
    const record = (await h.inbound.load(result.id))!;
    expect(record.attachments.map((a) => a.key)).toEqual([`parsed/${result.id}/0`, `parsed/${result.id}/1`]);
    for (const a of record.attachments) {
      expect(a.filename).not.toMatch(/[/\\]|\.\./);
      expect(a.filename).not.toContain('\u0000');
    }
    expect(h.bucket.text(`parsed/${result.id}/0`)).toBe('root:x:0:0');
    expect(h.bucket.text(`parsed/${result.id}/1`)).toBe('nul');
    expect(
      h.bucket
        .keys()
        .filter((k) => !/^(processed\/[\w.-]+|parsed\/[0-9A-Z]{26}\/(\d+|message\.json))$/.test(k)),
    ).toEqual([]);
    expect(h.delivered[0]?.delivery.attachments.map((a) => a.url)).toEqual([
      expect.stringContaining(`parsed/${result.id}/0`),
      expect.stringContaining(`parsed/${result.id}/1`),
    ]);
  });

  it('takes 1,000 attachments', async () => {
    const h = await setup();
    let raw =
      'From: a@example.com\r\nSubject: many\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n';
    for (let i = 0; i < 1000; i++)
      raw += `--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="f${i}.txt"\r\n\r\n${i}\r\n`;
    raw += '--b--\r\n';
    const { result } = await h.deliver(raw);
    expect(result.outcome).toBe('processed');
    expect((await h.inbound.load(result.id))?.attachments).toHaveLength(1000);
    expect(h.bucket.text(`parsed/${result.id}/999`)).toBe('999');
  });

  it('handles the same notification twice, raw or in an SNS envelope, as one record and one delivery', async () => {
    const h = await setup();
    const { id, body, result } = await h.deliver(simple());
    const envelope = JSON.parse(fixture('ses/sns-envelope-received-s3-action.json').toString('utf8'));
    envelope.Message = body;
    const again = await processMail(JSON.stringify(envelope), h.deps);
    expect(again).toEqual({ outcome: 'duplicate', id: result.id, status: 'processed' });
    expect(h.delivered).toHaveLength(1);
    expect((await h.inbound.list('acme', {}, { limit: 10 })).items.map((r) => r.sesMessageId)).toEqual([id]);
    expect((await h.inbound.load(result.id))?.attempts).toBe(1);
  });

  it('reads the SES notification of the AWS documentation and of a real SNS delivery', async () => {
    const h = await setup();
    const doc = JSON.parse(fixture('ses/doc-received-s3-action-alert.json').toString('utf8'));
    // The documented notification, written where the rule set writes (raw/) to our bucket.
    doc.receipt.action = {
      ...doc.receipt.action,
      bucketName: 'receipts',
      objectKey: `raw/${doc.mail.messageId}`,
    };
    doc.receipt.recipients = [`recipient@${ACME}`];
    h.bucket.put(`raw/${doc.mail.messageId}`, simple());
    expect((await processMail(JSON.stringify(doc), h.deps)).outcome).toBe('processed');

    const envelope = JSON.parse(fixture('ses/sns-envelope-received-s3-action.json').toString('utf8'));
    const inner = JSON.parse(envelope.Message);
    inner.receipt.action = {
      ...inner.receipt.action,
      bucketName: 'receipts',
      objectKey: `raw/${inner.mail.messageId}`,
    };
    inner.receipt.recipients = [`recipient@${ACME}`];
    envelope.Message = JSON.stringify(inner);
    h.bucket.put(`raw/${inner.mail.messageId}`, simple());
    const result = await processMail(JSON.stringify(envelope), h.deps);
    expect(result.outcome).toBe('processed');
    expect((await h.inbound.load(result.id))?.verdicts).toEqual({
      spam: 'PASS',
      virus: 'PASS',
      spf: 'GRAY',
      dkim: 'GRAY',
      dmarc: 'FAIL',
    });
  });

  it('resumes a notification whose record is still `received` (an earlier attempt stopped midway)', async () => {
    const h = await setup();
    const id = sesId();
    h.bucket.put(`raw/${id}`, simple());
    const body = JSON.stringify(notification(id, [`inbox@${ACME}`]));
    const failing = h.inbound.update.bind(h.inbound);
    let calls = 0;
    h.inbound.update = async (...args) => {
      // The second write (recording the route) fails once, as DynamoDB might.
      if (++calls === 2) throw new Error('DynamoDB unavailable');
      return failing(...args);
    };
    await expect(processMail(body, h.deps)).rejects.toThrow('DynamoDB unavailable');
    const [stuck] = (await h.inbound.failedSince('2000-01-01T00:00:00Z', { limit: 1 })).items;
    expect(stuck).toBeUndefined();
    const result = await processMail(body, h.deps);
    expect(result.outcome).toBe('processed');
    expect((await h.inbound.load(result.id))?.attempts).toBe(2);
    expect(h.delivered).toHaveLength(1);
  });

  it('processes and dispatches once when the same notification is delivered twice at the same moment', async () => {
    const h = await setup();
    const id = sesId();
    h.bucket.put(`raw/${id}`, simple());
    const body = JSON.stringify(notification(id, [`inbox@${ACME}`]));
    // A dispatch waits until the other delivery has dispatched too or given up, so both overlap.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.onDeliver(async () => {
      if (h.delivered.length > 1) release();
      await gate;
    });
    const outcomes = await Promise.all([
      processMail(body, h.deps).finally(release),
      processMail(body, h.deps).finally(release),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'processed']);
    expect(h.delivered).toHaveLength(1);
    expect((await h.inbound.load(outcomes[0].id))?.attempts).toBe(1);
  });

  it('routes by the envelope recipients, never the To header: the first recipient with a route decides', async () => {
    const h = await setup();
    await h.routes.put({
      pattern: 'support@in.globex.localhost',
      tenantId: 'globex',
      destination: { type: 'store' },
    });
    const { result } = await h.deliver(simple(), [
      'nobody@unknown.example',
      'Support@In.Globex.Localhost',
      `x@${ACME}`,
    ]);
    expect(await h.inbound.load(result.id)).toMatchObject({
      tenantId: 'globex',
      route: 'support@in.globex.localhost',
      to: ['someone@elsewhere.example'],
      recipients: ['nobody@unknown.example', 'support@in.globex.localhost', `x@${ACME}`],
    });
  });

  it('records mail for no route as `unrouted`, keeps its raw MIME and delivers nothing', async () => {
    const h = await setup();
    const { id, result } = await h.deliver(simple(), ['someone@unknown.example']);
    expect(result).toEqual({
      outcome: 'unrouted',
      id: result.id,
      reason: 'no route for any envelope recipient',
    });
    expect(await h.inbound.load(result.id)).toMatchObject({
      status: 'unrouted',
      tenantId: null,
      rawKey: `raw/${id}`,
    });
    expect(h.bucket.keys()).toEqual([`raw/${id}`]);
    expect(h.delivered).toEqual([]);
  });

  it('rejects mail with a verdict its route rejects on that SES says FAIL, unparsed', async () => {
    const h = await setup();
    await h.routes.put({
      pattern: `strict@${ACME}`,
      tenantId: 'acme',
      destination: { type: 'store' },
      rejectOn: ['spam', 'virus'],
    });
    const { id, result } = await h.deliver(simple(), [`strict@${ACME}`], {
      verdicts: { spam: 'GRAY', virus: 'FAIL' },
    });
    expect(result).toEqual({ outcome: 'rejected', id: result.id, reason: 'virus verdict FAIL' });
    expect(await h.inbound.load(result.id)).toMatchObject({
      status: 'rejected',
      rawKey: `processed/${id}`,
      parsedKey: null,
    });
    expect(h.bucket.keys()).toEqual([`processed/${id}`]);
    expect(h.delivered).toEqual([]);
    // A FAIL the route does not name, and a GRAY it does, pass.
    const passed = await h.deliver(simple(), [`strict@${ACME}`], {
      verdicts: { spam: 'GRAY', dmarc: 'FAIL' },
    });
    expect(passed.result.outcome).toBe('processed');
  });

  it.each([
    ['a zero-byte message', '', 'INBOUND.EMPTY'],
    [
      'a message that is not MIME at all',
      '\u0000\u0001binary garbage with no header\r\n',
      'INBOUND.NOT_A_MESSAGE',
    ],
    [
      'a header line of 1 MB',
      `From: a@example.com\r\nSubject: ${'x'.repeat(1024 * 1024)}\r\n\r\nbody\r\n`,
      'INBOUND.HEADER_TOO_LARGE',
    ],
  ])(
    'records %s as `failed` with the parser’s code and keeps the raw MIME under failed/',
    async (_name, raw, code) => {
      const h = await setup();
      const { id, result } = await h.deliver(raw);
      expect(result.outcome).toBe('failed');
      expect(await h.inbound.load(result.id)).toMatchObject({
        status: 'failed',
        rawKey: `failed/${id}`,
        attempts: 1,
        reason: expect.stringMatching(new RegExp(`^${code.replace('.', '\\.')}: `)),
      });
      expect(h.bucket.keys('raw/')).toEqual([]);
      expect(h.bucket.objects.get(`failed/${id}`)?.body.toString('latin1')).toBe(
        Buffer.from(raw).toString('latin1'),
      );
      expect(h.delivered).toEqual([]);
    },
  );

  it('records a notification whose raw object is missing as `failed`, with a clear reason, without throwing', async () => {
    const h = await setup();
    const id = sesId();
    const result = await processMail(JSON.stringify(notification(id, [`inbox@${ACME}`])), h.deps);
    expect(result.outcome).toBe('failed');
    expect(await h.inbound.load(result.id)).toMatchObject({
      status: 'failed',
      rawKey: `raw/${id}`,
      reason: `INBOUND.RAW_MISSING: raw MIME raw/${id} is not in the receipt bucket`,
    });
  });

  it.each([
    [
      'a destination that refuses for good',
      new ReceiverGone('receiver answered 410'),
      'TEST.RECEIVER_GONE: receiver answered 410',
    ],
    [
      'a destination that is down',
      new ReceiverDown('receiver answered 503'),
      'TEST.RECEIVER_DOWN: receiver answered 503',
    ],
    ['an unexpected error', new TypeError('boom at /var/task/x.js'), 'INBOUND.PROCESSING_ERROR: TypeError'],
  ])('records %s as `failed`, attempts counted, raw MIME under failed/', async (_name, err, reason) => {
    const h = await setup();
    h.onDeliver(async () => {
      throw err;
    });
    const { id, result } = await h.deliver(simple());
    expect(result).toEqual({ outcome: 'failed', id: result.id, reason });
    expect(await h.inbound.load(result.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      rawKey: `failed/${id}`,
      reason,
    });
    expect(h.bucket.keys(`parsed/${result.id}/`)).toEqual([`parsed/${result.id}/message.json`]);
  });

  it('records a webhook route whose signing secret is missing as `failed` with the destination’s reason', async () => {
    const h = await setup();
    await h.routes.put({
      pattern: `hook@${ACME}`,
      tenantId: 'acme',
      destination: { type: 'webhook', url: 'https://hooks.example/in', secretParameter: '/mailroom/x' },
    });
    const { result } = await h.deliver(simple(), [`hook@${ACME}`]);
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/^WEBHOOK\.SECRET_MISSING: /),
    });
  });

  describe('links mail to the sent mail it answers', () => {
    const sent = async (h: ReturnType<typeof harness>, tenantId: string, providerMessageId: string) => {
      const id = `01J${Math.random()
        .toString(36)
        .slice(2, 12)
        .toUpperCase()
        .replace(/[ILOU]/g, 'A')
        .padEnd(23, '0')}`;
      await h.messages.create({
        id,
        tenantId,
        createdAt: '2026-12-01T00:00:00.000Z',
        from: 'app@acme.example',
        to: ['x@example.com'],
        subject: 's',
        recipients: ['x@example.com'],
      });
      await h.messages.transition(id, tenantId, {
        status: 'sent',
        provider: 'ses',
        providerMessageId,
        event: { type: 'sent', provider: 'ses', data: {} },
      });
      return id;
    };
    const events = async (h: ReturnType<typeof harness>, id: string) =>
      (await h.messages.getWithEvents(id))!.events.map((e) => e.type);

    it('a bounce (DSN, action failed) names the original and adds `bounced` to its timeline', async () => {
      const h = await setup();
      const messageId = await sent(h, 'acme', 'ffffffffffffffff-00000000-2222-2222-2222-111111111111-ffffff');
      const { result } = await h.deliver(fixture('dsn/ses-bounce-2017-blocklisted.eml'));
      const record = await h.inbound.load(result.id);
      expect(record).toMatchObject({
        status: 'processed',
        linkedMessageId: messageId,
        dsn: {
          action: 'failed',
          status: '5.7.1',
          finalRecipient: 'sironeko@neko.example.org',
          originalMessageId:
            '<ffffffffffffffff-00000000-2222-2222-2222-111111111111-ffffff@email.amazonses.com>',
        },
      });
      expect(await events(h, messageId)).toEqual(['queued', 'sent', 'bounced']);
      const [, , bounced] = (await h.messages.getWithEvents(messageId))!.events;
      expect(bounced?.data).toMatchObject({
        inboundId: result.id,
        status: '5.7.1',
        recipient: 'sironeko@neko.example.org',
      });
    });

    it('a reply (In-Reply-To a region host) adds `replied`; another tenant’s mail is never linked', async () => {
      const h = await setup();
      const mine = await sent(h, 'acme', '0102019a-aaaa');
      const theirs = await sent(h, 'globex', '0102019a-bbbb');
      const reply = await h.deliver(
        simple('Re: s', 'In-Reply-To: <0102019a-aaaa@eu-west-1.amazonses.com>\r\n'),
      );
      expect((await h.inbound.load(reply.result.id))?.linkedMessageId).toBe(mine);
      expect(await events(h, mine)).toEqual(['queued', 'sent', 'replied']);
      const stray = await h.deliver(simple('Re: s', 'References: <0102019a-bbbb@email.amazonses.com>\r\n'));
      expect((await h.inbound.load(stray.result.id))?.linkedMessageId).toBeNull();
      expect(await events(h, theirs)).toEqual(['queued', 'sent']);
      // Not SES's: not looked up at all.
      const other = await h.deliver(simple('Re: s', 'In-Reply-To: <0102019a-aaaa@mail.example.com>\r\n'));
      expect((await h.inbound.load(other.result.id))?.linkedMessageId).toBeNull();
    });

    it('a complaint report links without a timeline event; its record has no dsn', async () => {
      const h = await setup();
      const messageId = await sent(h, 'acme', '2222222222222222-00000000-eeee-eeee-ffff-222222222222-111111');
      const { result } = await h.deliver(fixture('dsn/ses-complaint-arf-via-yahoo-fbl.eml'));
      expect(await h.inbound.load(result.id)).toMatchObject({ linkedMessageId: messageId, dsn: null });
      expect(await events(h, messageId)).toEqual(['queued', 'sent']);
    });
  });

  describe('refuses a queue body it cannot read', () => {
    it.each([
      ['JSON that is cut short', '{"notificationType": "Rec', /the queue body is not JSON/],
      [
        'an SNS envelope around something else',
        JSON.stringify({ Type: 'Notification', Message: 'hello' }),
        /Message is not JSON/,
      ],
      [
        'a bounce notification',
        JSON.stringify({ notificationType: 'Bounce' }),
        /an SES Bounce notification, not Received/,
      ],
      [
        'a notification without recipients',
        JSON.stringify({ ...notification('abc', []) }),
        /not an SES Received notification/,
      ],
      [
        'another bucket',
        JSON.stringify(notification('abc', ['a@b.example'], { bucket: 'elsewhere' })),
        /bucket elsewhere/,
      ],
      [
        'a key outside raw/',
        JSON.stringify(notification('abc', ['a@b.example'], { key: 'raw/../parsed/x' })),
        /not directly under raw/,
      ],
      [
        'an SES id that is a path',
        JSON.stringify(notification('../x', ['a@b.example'])),
        /not an SES Received notification/,
      ],
      [
        'a retry of mail that does not exist',
        JSON.stringify({ type: 'mailroom.inbound.retry', id: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }),
        /does not exist/,
      ],
      [
        'a retry order whose id is not an inbound id',
        JSON.stringify({ type: 'mailroom.inbound.retry', id: '../x' }),
        /not a valid retry order/,
      ],
      [
        'a retry order with a field the schema does not know',
        JSON.stringify({ type: 'mailroom.inbound.retry', id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', force: true }),
        /not a valid retry order/,
      ],
    ])('%s', async (_name, body, message) => {
      const h = await setup();
      const failure = processMail(body, h.deps);
      await expect(failure).rejects.toBeInstanceOf(InvalidNotificationError);
      await expect(failure).rejects.toThrow(message);
      expect(await h.inbound.failedSince('2000-01-01T00:00:00Z', { limit: 10 })).toEqual({ items: [] });
    });
  });
});
