/**
 * MAILROOM_FAULTS: the share of provider requests the local stand-ins fail on purpose, so
 * retries, backoff and the DLQ run for real (docs/contract.md, "Fault injection").
 *
 *   MAILROOM_FAULTS=ses.throttle=0.3,sendgrid.5xx=0.1
 */

export type Provider = 'ses' | 'sendgrid';
export type Fault = 'throttle' | '5xx';

/** Per provider, the share (0..1) of requests answered with each fault. */
export type Faults = Record<Provider, Record<Fault, number>>;

/** A source of numbers in [0, 1); tests pass a fixed sequence. */
export type Random = () => number;

// `429` reads naturally next to `5xx`, so it is accepted as another name for `throttle`.
const faultNames: Record<string, Fault> = { throttle: 'throttle', '429': 'throttle', '5xx': '5xx' };
const providers: readonly Provider[] = ['ses', 'sendgrid'];

export const noFaults = (): Faults => ({
  ses: { throttle: 0, '5xx': 0 },
  sendgrid: { throttle: 0, '5xx': 0 },
});

export class FaultsSyntaxError extends Error {
  override readonly name = 'FaultsSyntaxError';
}

export function parseFaults(text: string | undefined): Faults {
  const faults = noFaults();
  const seen = new Set<string>();
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [key = '', value, ...rest] = entry.split('=');
    const [provider, name, ...more] = key.trim().split('.');
    const fault = name === undefined ? undefined : faultNames[name];
    if (!providers.includes(provider as Provider) || !fault || more.length > 0) {
      throw new FaultsSyntaxError(
        `MAILROOM_FAULTS: unknown key "${key.trim()}" (known: ses.throttle, ses.429, ses.5xx, sendgrid.throttle, sendgrid.429, sendgrid.5xx)`,
      );
    }
    const share = Number(value?.trim());
    if (value === undefined || value.trim() === '' || rest.length > 0 || !(share >= 0 && share <= 1)) {
      throw new FaultsSyntaxError(
        `MAILROOM_FAULTS: "${entry}" needs a share between 0 and 1, e.g. ${key}=0.2`,
      );
    }
    const id = `${provider}.${fault}`;
    if (seen.has(id)) throw new FaultsSyntaxError(`MAILROOM_FAULTS: ${id} is given twice`);
    seen.add(id);
    faults[provider as Provider][fault] = share;
  }
  for (const provider of providers) {
    const { throttle, '5xx': serverError } = faults[provider];
    if (throttle + serverError > 1) {
      throw new FaultsSyntaxError(`MAILROOM_FAULTS: ${provider}'s shares add up to more than 1`);
    }
  }
  return faults;
}

/** Changes `faults` in place to `next`: the stand-ins hold on to the object and read it per request. */
export function assignFaults(faults: Faults, next: Faults): void {
  for (const target of Object.keys(faults) as Array<keyof Faults>)
    Object.assign(faults[target], next[target]);
}

/**
 * Decides, with one draw, whether this request fails and how. The 5xx band is split in two
 * halves, 500 then 503, so both answers a provider really gives are exercised.
 */
export function pickFault(
  shares: Record<Fault, number>,
  random: Random,
): { fault: 'throttle' } | { fault: '5xx'; status: 500 | 503 } | undefined {
  const r = random();
  if (r < shares.throttle) return { fault: 'throttle' };
  const into5xx = r - shares.throttle;
  if (into5xx < shares['5xx']) return { fault: '5xx', status: into5xx < shares['5xx'] / 2 ? 500 : 503 };
  return undefined;
}
