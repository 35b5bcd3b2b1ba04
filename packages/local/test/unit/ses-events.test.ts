import { sesEvents, firehoseRecord, type SentMail } from '../../src/standins/ses-events';
import { readSesSend } from '../../src/standins/ses-requests';

const mail = (recipients: string[]): SentMail => ({
  messageId: '0100019a-local',
  from: 'app@acme.example',
  recipients,
  subject: 'Hi',
  configurationSet: 'mailroom-local-events',
  tags: { mailroom_message_id: '01J' },
  sentAt: new Date('2026-12-03T10:00:00.000Z'),
  region: 'us-east-1',
  accountId: '000000000000',
});

describe('the events SES publishes for a mail', () => {
  it('is one Send, then a Delivery per delivered recipient, then bounces and complaints', () => {
    const events = sesEvents(
      mail([
        'complaint@simulator.amazonses.com',
        'Someone <Someone@Example.com>',
        'bounce+label@simulator.amazonses.com',
      ]),
    );
    expect(events.map((e) => e.type)).toEqual(['SEND', 'DELIVERY', 'DELIVERY', 'BOUNCE', 'COMPLAINT']);
    expect(events[2]?.record).toEqual(
      expect.objectContaining({
        eventType: 'Delivery',
        delivery: expect.objectContaining({ recipients: ['someone@example.com'], processingTimeMillis: 400 }),
      }),
    );
  });

  it('carries the mail with its tags as lists, the configuration set and the SES message id on every event', () => {
    for (const { record } of sesEvents(mail(['someone@example.com']))) {
      expect(record.mail).toEqual(
        expect.objectContaining({
          messageId: '0100019a-local',
          timestamp: '2026-12-03T10:00:00.000Z',
          sendingAccountId: '000000000000',
          tags: expect.objectContaining({
            mailroom_message_id: ['01J'],
            'ses:configuration-set': ['mailroom-local-events'],
          }),
        }),
      );
    }
  });

  it('goes to Firehose as one JSON line per record', () => {
    const [send] = sesEvents(mail(['someone@example.com']));
    const data = firehoseRecord(send!).toString();
    expect(data.endsWith('}\n')).toBe(true);
    expect(JSON.parse(data)).toEqual(expect.objectContaining({ eventType: 'Send', send: {} }));
  });
});

describe('reading what a send asks SES to publish', () => {
  it('reads the configuration set, tags and subject of a v2 send', () => {
    const body = Buffer.from(
      JSON.stringify({
        FromEmailAddress: 'app@acme.example',
        Destination: { ToAddresses: ['a@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'x' } } } },
        EmailTags: [{ Name: 'mailroom_message_id', Value: '01J' }],
        ConfigurationSetName: 'events',
      }),
    );
    expect(readSesSend('POST', '/v2/email/outbound-emails', 'application/json', body)).toEqual(
      expect.objectContaining({
        configurationSet: 'events',
        tags: [{ mailroom_message_id: '01J' }],
        subject: 'Hi',
      }),
    );
  });

  it('reads them from a v2 raw send and a v1 query send', () => {
    const raw = Buffer.from(
      'From: a@acme.example\r\nTo: b@example.com\r\nSubject: Raw\r\n\tfolded\r\n\r\nbody',
    ).toString('base64');
    const v2 = Buffer.from(
      JSON.stringify({ Content: { Raw: { Data: raw } }, ConfigurationSetName: 'events' }),
    );
    expect(readSesSend('POST', '/v2/email/outbound-emails', 'application/json', v2)).toEqual(
      expect.objectContaining({
        configurationSet: 'events',
        subject: 'Raw folded',
        recipients: [['b@example.com']],
      }),
    );
    const form = new URLSearchParams({
      Action: 'SendEmail',
      Source: 'a@acme.example',
      'Destination.ToAddresses.member.1': 'b@example.com',
      'Message.Subject.Data': 'V1',
      ConfigurationSetName: 'events',
      'Tags.member.1.Name': 'mailroom_message_id',
      'Tags.member.1.Value': '01J',
    });
    expect(
      readSesSend('POST', '/', 'application/x-www-form-urlencoded', Buffer.from(form.toString())),
    ).toEqual(
      expect.objectContaining({
        configurationSet: 'events',
        tags: [{ mailroom_message_id: '01J' }],
        subject: 'V1',
      }),
    );
  });
});
