/**
 * What both provider stand-ins share: the reject domain and Amazon SES's mailbox simulator.
 * https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator
 */
import type { Provider } from '../faults';

/** Any recipient here is refused permanently, as a provider refuses an address it will not take. */
export const REJECT_DOMAIN = 'reject.mailroom.test';

export type SimulatorEventType = 'bounce' | 'complaint' | 'suppressed';

/** A bounce or complaint a simulator address implies; the events pipeline publishes these later. */
export interface SimulatorEvent {
  provider: Provider;
  providerMessageId: string;
  recipient: string;
  type: SimulatorEventType;
  at: string;
}

const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

// success@ is accepted and implies nothing; ooto@ (auto-reply) is not modelled.
const simulatorTypes: Record<string, SimulatorEventType> = {
  bounce: 'bounce',
  complaint: 'complaint',
  suppressionlist: 'suppressed',
};

/** The bare address in `"Name" <a@b.c>` or `a@b.c`, lower-cased. */
export function bareAddress(address: string): string {
  const angled = /<([^>]+)>/.exec(address);
  return (angled?.[1] ?? address).trim().toLowerCase();
}

export function isRejected(address: string): boolean {
  return bareAddress(address).endsWith(`@${REJECT_DOMAIN}`);
}

/** The event a simulator address implies. SES also honours labels: bounce+label@… bounces. */
export function simulatorEventType(address: string): SimulatorEventType | undefined {
  const [local = '', domain] = bareAddress(address).split('@');
  if (domain !== SIMULATOR_DOMAIN) return undefined;
  return simulatorTypes[local.split('+')[0] ?? ''];
}

export function simulatorEvents(
  provider: Provider,
  providerMessageId: string,
  recipients: readonly string[],
  now: Date = new Date(),
): SimulatorEvent[] {
  return recipients.flatMap((recipient) => {
    const type = simulatorEventType(recipient);
    return type
      ? [{ provider, providerMessageId, recipient: bareAddress(recipient), type, at: now.toISOString() }]
      : [];
  });
}
