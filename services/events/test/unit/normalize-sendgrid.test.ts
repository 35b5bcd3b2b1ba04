import { MailEventSchema } from '../../src/normalize/mail-event';
import { normalizeSendGrid, sendGridProviderMessageId } from '../../src/normalize/sendgrid';
import { fixtureJson, signedVector } from '../support/fixtures';

const allTypes = fixtureJson<Record<string, unknown>[]>('sendgrid/events-all-types.json');
const only = (raw: unknown) => {
  const result = normalizeSendGrid(raw);
  expect(result.events).toHaveLength(1);
  return result.events[0]!;
};

describe('normalizeSendGrid over SendGrid’s sample of every event type', () => {
  it('has all 11 types in the fixture', () => {
    expect(allTypes.map((e) => e.event)).toEqual([
      'processed',
      'deferred',
      'delivered',
      'open',
      'click',
      'bounce',
      'dropped',
      'spamreport',
      'unsubscribe',
      'group_unsubscribe',
      'group_resubscribe',
    ]);
  });

  it.each([
    ['processed', 'processed'],
    ['deferred', 'deferred'],
    ['delivered', 'delivered'],
    ['open', 'opened'],
    ['click', 'clicked'],
    ['bounce', 'bounced'],
    ['dropped', 'dropped'],
    ['spamreport', 'complained'],
    ['unsubscribe', 'unsubscribed'],
    ['group_unsubscribe', 'unsubscribed'],
    ['group_resubscribe', 'resubscribed'],
  ])('maps %s to a valid MailEvent of type %s', (sendGridType, type) => {
    const raw = allTypes.find((e) => e.event === sendGridType)!;
    const event = only(raw);
    expect(MailEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      eventId: 'sg_event_id',
      provider: 'sendgrid',
      type,
      at: '2017-12-15T00:59:29.000Z',
      providerMessageId: 'sg_message_id',
      recipient: 'example@test.com',
      raw,
    });
    expect(event.messageId).toBeUndefined();
  });

  it('keeps the reason or SMTP answer of deferrals, bounces and drops', () => {
    const byType = (t: string) => only(allTypes.find((e) => e.event === t));
    expect(byType('deferred').reason).toBe('400 try again later');
    expect(byType('bounce')).toMatchObject({ reason: '500 unknown recipient', bounce: { type: 'hard' } });
    expect(byType('dropped').reason).toBe('Bounced Address');
  });

  it('gives clicks their URL and nothing else one', () => {
    for (const raw of allTypes) {
      const event = only(raw);
      if (event.type === 'clicked') expect(event.url).toBe('http://www.sendgrid.com/');
      else expect(event.url).toBeUndefined();
    }
  });

  it('marks group unsubscribes with their group, and global ones without', () => {
    const byType = (t: string) => only(allTypes.find((e) => e.event === t));
    expect(byType('group_unsubscribe').group).toBe('10');
    expect(byType('group_resubscribe').group).toBe('10');
    expect(byType('unsubscribe').group).toBeUndefined();
  });
});

describe('normalizeSendGrid details', () => {
  it('strips sg_message_id’s server suffix after the first dot, leaving the X-Message-Id', () => {
    const { body } = signedVector();
    const [raw] = JSON.parse(body.toString('utf8')) as unknown[];
    expect(only(raw).providerMessageId).toBe('LRzXl_NHStOGhQ4kofSm_A');
    expect(sendGridProviderMessageId('abc.def.ghi')).toBe('abc');
    expect(sendGridProviderMessageId('abc')).toBe('abc');
  });

  it('takes Mailroom’s message id from the mailroom_message_id custom arg', () => {
    const raw = { ...allTypes[2], mailroom_message_id: '01JB0000000000000000000000' };
    expect(only(raw).messageId).toBe('01JB0000000000000000000000');
  });

  it('lower-cases the recipient', () => {
    expect(only({ ...allTypes[2], email: 'Jane@Example.COM' }).recipient).toBe('jane@example.com');
  });

  it('calls a blocked bounce soft and keeps its classification', () => {
    const raw = { ...allTypes[5], type: 'blocked', bounce_classification: 'Reputation' };
    expect(only(raw).bounce).toEqual({ type: 'soft', classification: 'Reputation' });
  });

  it('ignores event names it does not know and records that are not events', () => {
    expect(normalizeSendGrid({ ...allTypes[2], event: 'machine_learning' })).toEqual({
      events: [],
      ignored: 'unknown SendGrid event machine_learning',
    });
    expect(normalizeSendGrid('delivered')).toMatchObject({ events: [], ignored: expect.any(String) });
    expect(normalizeSendGrid({ event: 'delivered' })).toMatchObject({ events: [] });
    expect(normalizeSendGrid({ ...allTypes[2], timestamp: 1e20 })).toMatchObject({ events: [] });
    expect(normalizeSendGrid({ ...allTypes[2], timestamp: '1513299569' })).toMatchObject({ events: [] });
  });
});
