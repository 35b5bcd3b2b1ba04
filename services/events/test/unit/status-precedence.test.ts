import { MESSAGE_STATUSES, type MessageStatus } from '@mailroom/core';
import { MAIL_EVENT_TYPES } from '../../src/normalize/mail-event';
import { replaceableBy, statusOfEvent, supersedes } from '../../src/normalize/status';

/**
 * The precedence written out independently of STATUS_RANK: tiers from least to most final; a status
 * replaces exactly those in lower tiers (docs/events.md, "Status precedence").
 */
const TIERS: MessageStatus[][] = [
  ['queued'],
  ['sending'],
  ['sent'],
  ['deferred'],
  ['dropped', 'rejected', 'failed', 'suppressed'],
  ['delivered'],
  ['bounced'],
  ['complained'],
];
const tier = (s: MessageStatus) => TIERS.findIndex((t) => t.includes(s));

describe('status precedence', () => {
  it('places every status in exactly one tier', () => {
    expect(TIERS.flat().sort()).toEqual([...MESSAGE_STATUSES].sort());
  });

  const pairs = MESSAGE_STATUSES.flatMap((current) =>
    MESSAGE_STATUSES.map((incoming) => [current, incoming]),
  );
  it.each(pairs)('a message in %s %s', (current, incoming) => {
    expect(supersedes(incoming, current)).toBe(tier(incoming) > tier(current));
    expect(replaceableBy(incoming).includes(current)).toBe(tier(incoming) > tier(current));
  });

  it('never lets a late processed or deferred overwrite delivered', () => {
    expect(supersedes(statusOfEvent('processed')!, 'delivered')).toBe(false);
    expect(supersedes(statusOfEvent('deferred')!, 'delivered')).toBe(false);
  });

  it('lets bounced and complained win over delivered', () => {
    expect(supersedes('bounced', 'delivered')).toBe(true);
    expect(supersedes('complained', 'delivered')).toBe(true);
    expect(supersedes('complained', 'bounced')).toBe(true);
    expect(supersedes('delivered', 'bounced')).toBe(false);
  });

  it('never moves to the status a message already has', () => {
    for (const s of MESSAGE_STATUSES) expect(supersedes(s, s)).toBe(false);
  });

  it('maps delivery steps to statuses and engagement events to none', () => {
    expect(Object.fromEntries(MAIL_EVENT_TYPES.map((t) => [t, statusOfEvent(t)]))).toEqual({
      processed: 'sent',
      deferred: 'deferred',
      delivered: 'delivered',
      bounced: 'bounced',
      dropped: 'dropped',
      complained: 'complained',
      rejected: 'rejected',
      failed: 'failed',
      opened: undefined,
      clicked: undefined,
      unsubscribed: undefined,
      resubscribed: undefined,
    });
  });
});
