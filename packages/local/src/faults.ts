/**
 * MAILROOM_FAULTS: the share of requests the local stand-ins fail on purpose, so retries,
 * backoff and the DLQ run for real (docs/contract.md, "Fault injection").
 *
 *   MAILROOM_FAULTS=ses.throttle=0.3,sendgrid.5xx=0.1,dynamodb.throttle=0.05,firehose.fail=0.2
 *
 * `firehose.fail` is a share of records, not requests: PutRecordBatch answers those records with a
 * per-record ServiceUnavailableException, as Firehose does under load.
 *
 * DynamoDB also takes one operation (its name in `X-Amz-Target`), whose shares then replace the
 * general ones for that operation: `dynamodb.TransactWriteItems.throttle=1`.
 */
import { DYNAMODB_OPERATIONS } from './standins/dynamodb-operations';

export type Provider = 'ses' | 'sendgrid';
export type Target = Provider | 'dynamodb';
export type Fault = 'throttle' | '5xx';

/** The share (0..1) of requests answered with each fault. */
export type Shares = Record<Fault, number>;

export interface DynamoDbShares extends Shares {
  /** By operation (`TransactWriteItems`): shares that replace the general ones for it. */
  operations: Record<string, Shares>;
}

export interface Faults {
  ses: Shares;
  sendgrid: Shares;
  dynamodb: DynamoDbShares;
  /** The share of Firehose records failed. */
  firehose: { fail: number };
}

/** A source of numbers in [0, 1); tests pass a fixed sequence. */
export type Random = () => number;

// `429` reads naturally next to `5xx`, so it is accepted as another name for `throttle`.
const faultNames: Record<string, Fault> = { throttle: 'throttle', '429': 'throttle', '5xx': '5xx' };
const targets: readonly Target[] = ['ses', 'sendgrid', 'dynamodb'];
const KNOWN =
  'known: ses|sendgrid|dynamodb.throttle, .429, .5xx, dynamodb.<Operation>.throttle|429|5xx, and firehose.fail';

const none = (): Shares => ({ throttle: 0, '5xx': 0 });

export const noFaults = (): Faults => ({
  ses: none(),
  sendgrid: none(),
  dynamodb: { ...none(), operations: {} },
  firehose: { fail: 0 },
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
    const share = Number(value?.trim());
    if (value === undefined || value.trim() === '' || rest.length > 0 || !(share >= 0 && share <= 1)) {
      throw new FaultsSyntaxError(
        `MAILROOM_FAULTS: "${entry}" needs a share between 0 and 1, e.g. ${key}=0.2`,
      );
    }
    if (key.trim() === 'firehose.fail') {
      if (seen.has('firehose.fail'))
        throw new FaultsSyntaxError('MAILROOM_FAULTS: firehose.fail is given twice');
      seen.add('firehose.fail');
      faults.firehose.fail = share;
      continue;
    }
    const { target, operation, fault } = readKey(key.trim());
    const id = [target, operation, fault].filter(Boolean).join('.');
    if (seen.has(id)) throw new FaultsSyntaxError(`MAILROOM_FAULTS: ${id} is given twice`);
    seen.add(id);
    if (operation) (faults.dynamodb.operations[operation] ??= none())[fault] = share;
    else faults[target][fault] = share;
  }
  const groups: Array<[string, Shares]> = [
    ...targets.map((t) => [t, faults[t]] as [string, Shares]),
    ...Object.entries(faults.dynamodb.operations).map(([op, s]) => [`dynamodb.${op}`, s] as [string, Shares]),
  ];
  for (const [name, { throttle, '5xx': serverError }] of groups) {
    if (throttle + serverError > 1) {
      throw new FaultsSyntaxError(`MAILROOM_FAULTS: ${name}'s shares add up to more than 1`);
    }
  }
  return faults;
}

/** `ses.throttle`, `dynamodb.5xx`, `dynamodb.TransactWriteItems.throttle`. */
function readKey(key: string): { target: Target; operation?: string; fault: Fault } {
  const parts = key.split('.');
  const target = parts[0] as Target;
  const operation = parts.length === 3 ? parts[1] : undefined;
  const fault = faultNames[parts[parts.length - 1] ?? ''];
  if (!targets.includes(target) || !fault || parts.length < 2 || parts.length > 3) {
    throw new FaultsSyntaxError(`MAILROOM_FAULTS: unknown key "${key}" (${KNOWN})`);
  }
  if (operation !== undefined && target !== 'dynamodb') {
    throw new FaultsSyntaxError(`MAILROOM_FAULTS: "${key}": only dynamodb takes an operation`);
  }
  if (operation !== undefined && !DYNAMODB_OPERATIONS.has(operation)) {
    throw new FaultsSyntaxError(
      `MAILROOM_FAULTS: "${key}": DynamoDB has no operation ${operation} (e.g. PutItem, TransactWriteItems)`,
    );
  }
  return { target, operation, fault };
}

/** Changes `faults` in place to `next`: the stand-ins hold on to the object and read it per request. */
export function assignFaults(faults: Faults, next: Faults): void {
  for (const target of targets) Object.assign(faults[target], next[target]);
  Object.assign(faults.firehose, next.firehose);
}

/**
 * Decides, with one draw, whether this request fails and how. The 5xx band is split in two
 * halves, 500 then 503, so both answers a provider really gives are exercised.
 */
export function pickFault(
  shares: Shares,
  random: Random,
): { fault: 'throttle' } | { fault: '5xx'; status: 500 | 503 } | undefined {
  const r = random();
  if (r < shares.throttle) return { fault: 'throttle' };
  const into5xx = r - shares.throttle;
  if (into5xx < shares['5xx']) return { fault: '5xx', status: into5xx < shares['5xx'] / 2 ? 500 : 503 };
  return undefined;
}
