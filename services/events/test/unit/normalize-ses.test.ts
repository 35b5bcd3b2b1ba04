import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MailEventSchema, type MailEvent } from '../../src/normalize/mail-event';
import { normalizeSes, sesEventId } from '../../src/normalize/ses';
import { fixtureJson } from '../support/fixtures';

const files = (dir: string) =>
  readdirSync(join(__dirname, '..', 'fixtures', 'ses-events', dir)).map((f) => `ses-events/${dir}/${f}`);
const all = [...files('event-publishing'), ...files('notifications')];
const events = (path: string): MailEvent[] => {
  const result = normalizeSes(fixtureJson(path));
  expect(result).not.toHaveProperty('ignored');
  return result.events;
};

const PUBLISHED = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

describe('normalizeSes over every SES fixture', () => {
  it.each(all)('%s gives valid MailEvents with a stable id and the SES message id', (path) => {
    const first = events(path);
    expect(first.length).toBeGreaterThan(0);
    for (const event of first) {
      expect(MailEventSchema.parse(event)).toEqual(event);
      expect(event.provider).toBe('ses');
      expect(event.providerMessageId).toBe(
        (fixtureJson(path) as { mail: { messageId: string } }).mail.messageId,
      );
    }
    // The same record, delivered again, gives the same ids; ids within one record differ.
    expect(events(path).map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
    expect(new Set(first.map((e) => e.eventId)).size).toBe(first.length);
  });

  it.each([
    ['event-publishing/send.json', 'processed', undefined, undefined],
    ['event-publishing/delivery.json', 'delivered', 'recipient@example.com', '2016-10-19T23:21:04.133Z'],
    ['event-publishing/delivery-delay.json', 'deferred', 'recipient@example.com', '2020-06-16T00:25:40.095Z'],
    ['event-publishing/bounce.json', 'bounced', 'recipient@example.com', '2017-08-05T00:41:02.669Z'],
    ['event-publishing/complaint.json', 'complained', 'recipient@example.com', '2017-08-05T00:41:02.669Z'],
    ['event-publishing/reject.json', 'rejected', undefined, undefined],
    ['event-publishing/rendering-failure.json', 'failed', undefined, undefined],
    ['event-publishing/open.json', 'opened', undefined, '2017-08-09T22:00:19.652Z'],
    ['event-publishing/click.json', 'clicked', undefined, '2017-08-09T23:51:25.570Z'],
    [
      'event-publishing/subscription.json',
      'unsubscribed',
      'recipient@example.com',
      '2022-01-12T01:00:17.910Z',
    ],
  ])('%s is one %s event for %s at %s', (path, type, recipient, at) => {
    const [event, ...rest] = events(`ses-events/${path}`);
    expect(rest).toHaveLength(0);
    expect(event!.type).toBe(type);
    expect(event!.recipient).toBe(recipient);
    const raw = fixtureJson<{ mail: { timestamp: string } }>(`ses-events/${path}`);
    expect(event!.at).toBe(at ?? raw.mail.timestamp);
    expect(event!.raw).toEqual(raw);
  });

  it('keeps the details that matter: bounce class and code, click URL, reasons', () => {
    const [bounce] = events('ses-events/event-publishing/bounce.json');
    expect(bounce).toMatchObject({
      bounce: { type: 'hard', classification: 'General' },
      reason: 'smtp; 550 5.1.1 user unknown',
    });
    const [click] = events('ses-events/event-publishing/click.json');
    expect(click!.url).toBe('http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html');
    expect(events('ses-events/event-publishing/reject.json')[0]!.reason).toBe('Bad content');
    expect(events('ses-events/event-publishing/delivery-delay.json')[0]!.reason).toBe(
      'smtp; 421 4.4.1 Unable to connect to remote host',
    );
    const [unsubscribe] = events('ses-events/event-publishing/subscription.json');
    expect(unsubscribe!.group).toBeUndefined();
  });

  it('gives one event per recipient a notification names, not per destination', () => {
    const bounces = events('ses-events/notifications/bounce-without-dsn.json');
    expect(bounces.map((e) => e.recipient)).toEqual(['jane@example.com', 'richard@example.com']);
    expect(bounces.every((e) => e.type === 'bounced' && e.bounce?.type === 'hard')).toBe(true);
    const complaints = events('ses-events/notifications/complaint-with-feedback-report.json');
    expect(complaints.map((e) => [e.type, e.recipient])).toEqual([['complained', 'richard@example.com']]);
    expect(events('ses-events/notifications/delivery.json').map((e) => e.recipient)).toEqual([
      'jane@example.com',
    ]);
  });

  it('derives the id from the SES message id, event type, timestamp and recipient', () => {
    const [delivery] = events('ses-events/event-publishing/delivery.json');
    expect(delivery!.eventId).toBe(
      sesEventId(PUBLISHED, 'Delivery', '2016-10-19T23:21:04.133Z', 'recipient@example.com'),
    );
    expect(sesEventId('m', 'Delivery', 't', 'a@x')).not.toBe(sesEventId('m', 'Delivery', 't', 'b@x'));
    expect(sesEventId('m', 'Delivery', 't', 'a@x')).not.toBe(sesEventId('m', 'Bounce', 't', 'a@x'));
  });

  it('reads Mailroom’s message id from the mailroom_message_id tag', () => {
    const raw = fixtureJson<{ mail: { tags: Record<string, string[]> } }>(
      'ses-events/event-publishing/delivery.json',
    );
    raw.mail.tags.mailroom_message_id = ['01JB0000000000000000000000'];
    expect(normalizeSes(raw).events[0]!.messageId).toBe('01JB0000000000000000000000');
    expect(events('ses-events/event-publishing/delivery.json')[0]!.messageId).toBeUndefined();
  });

  it('calls a transient bounce soft', () => {
    const raw = fixtureJson<{ bounce: { bounceType: string } }>('ses-events/event-publishing/bounce.json');
    raw.bounce.bounceType = 'Transient';
    expect(normalizeSes(raw).events[0]!.bounce?.type).toBe('soft');
  });

  it('unwraps an SNS notification envelope', () => {
    const record = fixtureJson('ses-events/notifications/delivery.json');
    const envelope = { Type: 'Notification', Message: JSON.stringify(record) };
    expect(normalizeSes(envelope)).toEqual(normalizeSes(record));
  });

  it('splits a topic-level subscription change into one event per topic, each with its group', () => {
    const raw = fixtureJson<{
      subscription: { newTopicPreferences: { unsubscribeAll: boolean; topicSubscriptionStatus: unknown[] } };
    }>('ses-events/event-publishing/subscription.json');
    raw.subscription.newTopicPreferences = {
      unsubscribeAll: false,
      topicSubscriptionStatus: [
        { topicName: 'News', subscriptionStatus: 'OptOut' },
        { topicName: 'Offers', subscriptionStatus: 'OptIn' },
      ],
    };
    const result = normalizeSes(raw).events;
    expect(result.map((e) => [e.type, e.group])).toEqual([
      ['unsubscribed', 'News'],
      ['resubscribed', 'Offers'],
    ]);
    expect(result[0]!.eventId).not.toBe(result[1]!.eventId);
  });

  it('ignores a record whose timestamp is not a date', () => {
    const raw = fixtureJson<{ delivery: { timestamp: string } }>('ses-events/event-publishing/delivery.json');
    raw.delivery.timestamp = 'yesterday';
    expect(normalizeSes(raw)).toMatchObject({ events: [], ignored: expect.stringContaining('timestamp') });
  });

  it('ignores records it cannot read', () => {
    expect(normalizeSes({ eventType: 'Delivery' })).toMatchObject({
      events: [],
      ignored: expect.any(String),
    });
    const raw = fixtureJson<{ eventType: string }>('ses-events/event-publishing/send.json');
    expect(normalizeSes({ ...raw, eventType: 'Teleport' })).toEqual({
      events: [],
      ignored: 'unknown SES event Teleport',
    });
  });
});
