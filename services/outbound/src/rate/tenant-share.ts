import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { idTime, RateLimitedError, recipientEmails, type SendQueueMessage } from '@mailroom/core';
import { isConditionFailure } from '@mailroom/core/aws';
import type { ProviderName } from '../providers/port';

/**
 * Per-tenant fairness (docs/design-notes.md "Tenant shares").
 *
 * The send queue is one SQS queue for every tenant, and every record on it draws on the same provider
 * account budget (rate/budget.ts). Left alone, a burst of 2,000 mails from one tenant sits ahead of
 * everybody else's mail and takes the whole account budget until it is gone. So each tenant may use at
 * most its *share* of the account: its own `sendRate` (recipients per second, on the tenant item), else
 * `defaultShare` (half by default) of the platform account's budgeted rate. A tenant on its own provider
 * account (a SendGrid key of its own) is alone in that account: only its own `sendRate` applies.
 *
 * The share is a GCRA per tenant, like the account budget: one item holds `tat`, the end of the tenant's
 * reserved sending time. Reserving `n` recipients returns the slot `max(tat, now)` and moves `tat` by
 * `n / rate` seconds. A mail's slot is reserved once:
 *
 * - **At accept** (`POST /v1/messages`): a tenant with its own `sendRate` whose slot is more than
 *   `acceptBurstMs` away gets 429 with `Retry-After` and nothing is recorded or queued. Otherwise the mail
 *   is enqueued with `DelaySeconds` up to its slot and the slot stamped on the queue body (`shareSlotAt`),
 *   so a burst lands on the queue already spread out at the tenant's share: it never sits in front of
 *   another tenant's mail, and the account budget stays free for the others.
 * - **At send**: a record without a slot (put straight on the queue by a backend), or whose slot passed
 *   more than `lateMs` ago (its tenant fell behind; catching up at once would exceed the share), reserves
 *   one. A record
 *   whose slot is more than `toleranceMs` away is not sent now: a copy carrying the slot goes back on the
 *   queue with `DelaySeconds` (at most 900, SQS's limit; a later slot is waited for in several hops) and
 *   the original is consumed. The copy carries `attemptsUsed`, the receives its earlier copies used, so that
 *   waiting for the share never uses up a mail's retry attempts and a copy never gains fresh ones.
 *
 * A mail whose slot was booked more than `toleranceMs` after it was accepted (or booked at send) had mail of
 * its own tenant in front of it: its tenant has a backlog. SQS delays are whole seconds, so a backlog's
 * records surface in bunches, up to a second after their slots, and would book the account budget's next
 * slots all at once, in front of every other tenant's mail. Such a mail gives way at the account budget for
 * up to GIVE_WAY_MS (budget.ts "Giving way"): it takes only slots nobody else asks for.
 *
 * The share is not work-conserving: a tenant alone on the platform still sends at its share. That is the
 * price of needing no global view of who is waiting; a tenant that needs more gets a `sendRate`.
 */
export interface TenantShareStore {
  /**
   * Reserves `units` recipients at `intervalMs` each for the tenant: `{ slotAt }`, the epoch ms the
   * reservation starts at. With `maxWaitMs`, a slot further out than that is refused, and nothing is
   * reserved: `{ retryAfterMs }` says when it would not be.
   */
  reserve(
    tenantId: string,
    units: number,
    intervalMs: number,
    options: { now: number; maxWaitMs?: number },
  ): Promise<{ slotAt: number } | { retryAfterMs: number }>;
}

/** Share items are touched on every reservation; one that has not been for a day is of no use. */
const ITEM_TTL_SECONDS = 24 * 3600;
const MAX_RACES = 8;

/**
 * The shares in the messages table: `pk = SHARE#<tenantId>`, `sk = SHARE`, `tat` (epoch ms), `expiresAt`.
 * A reservation is one conditional UpdateItem, with no read first, so concurrent accepts of one tenant do
 * not race each other's read-modify-write: while `tat` is ahead of now it is moved forward in place
 * (`tat = tat + :inc`); when it lies in the past (or is missing) it is set from now. Only when both
 * conditions fail — a refusal, or `tat` passing now between the two — is the item read.
 */
export class DynamoTenantShareStore implements TenantShareStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(
    tenantId: string,
    units: number,
    intervalMs: number,
    { now, maxWaitMs }: { now: number; maxWaitMs?: number },
  ): Promise<{ slotAt: number } | { retryAfterMs: number }> {
    const key = { pk: `SHARE#${tenantId}`, sk: 'SHARE' };
    const inc = units * intervalMs;
    const expiresAt = Math.ceil(now / 1000) + ITEM_TTL_SECONDS;
    const limited = maxWaitMs !== undefined;
    for (let race = 0; race < MAX_RACES; race += 1) {
      try {
        const { Attributes } = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET tat = tat + :inc, expiresAt = :exp',
            ConditionExpression: limited ? 'tat >= :now AND tat <= :limit' : 'tat >= :now',
            ExpressionAttributeValues: {
              ':inc': inc,
              ':exp': expiresAt,
              ':now': now,
              ...(limited && { ':limit': now + maxWaitMs }),
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return { slotAt: (Attributes!.tat as number) - inc };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET tat = :next, expiresAt = :exp',
            ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
            ExpressionAttributeValues: { ':next': now + inc, ':exp': expiresAt, ':now': now },
          }),
        );
        return { slotAt: now };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      if (limited) {
        const { Item } = await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
        );
        const tat = Item?.tat as number | undefined;
        if (tat !== undefined && tat > now + maxWaitMs) return { retryAfterMs: tat - now - maxWaitMs };
      }
      // `tat` crossed `now` between the two writes: try again.
    }
    throw new Error(`could not reserve a share slot for tenant ${tenantId} after ${MAX_RACES} races`);
  }
}

/**
 * How long the mail of a tenant with a backlog gives way to others' at the account budget (budget.ts
 * "Giving way") before it books a slot as any other mail: a burst's bunches go out in the slots nobody
 * else wants, and a tenant sending one mail now and then does not wait behind them.
 */
export const GIVE_WAY_MS = 1000;

/** SQS's longest DelaySeconds (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html). */
export const MAX_DELAY_SECONDS = 900;

export interface TenantShareOptions {
  /** The platform account's budgeted send rate for a provider, recipients per second. */
  accountRate(provider: ProviderName): Promise<number>;
  /** The share of `accountRate` a tenant without a `sendRate` may use (0 < share ≤ 1). */
  defaultShare: number;
  /** How far ahead a tenant with its own `sendRate` may book at accept before it gets 429. */
  acceptBurstMs: number;
  /**
   * A slot at most this far away is sent now (the account budget spaces it out); a later one waits on
   * the queue. SQS delays are whole seconds, so anything under a second is not worth a hop.
   */
  toleranceMs: number;
  /**
   * A slot that passed longer ago than this is booked again. Sending every late mail at once would let a
   * tenant whose mail fell behind (slow consumers, retries) catch up above its share, in front of
   * everybody else's mail; like the account budget, a share does not bank unused time.
   */
  lateMs: number;
}

/** What the share needs to know of a tenant (the tenant item's fields). */
export interface ShareTenant {
  tenantId: string;
  sendRate?: number;
  /** `tenant`: its SendGrid mail goes through an account of its own, nobody else's budget to share. */
  sendgridKey?: 'platform' | 'tenant';
}

/** Where the share put a mail: its slot (epoch ms, stamped on the queue body) and the delay up to it. */
export interface SharePlacement {
  shareSlotAt: number;
  delaySeconds: number;
}

export class TenantShare {
  constructor(
    private readonly store: TenantShareStore,
    private readonly options: TenantShareOptions,
  ) {}

  /** The tenant's share in recipients per second, or undefined when no share applies. */
  async rateOf(tenant: ShareTenant, provider: ProviderName): Promise<number | undefined> {
    if (tenant.sendRate !== undefined) return tenant.sendRate;
    if (provider === 'sendgrid' && tenant.sendgridKey === 'tenant') return undefined;
    return (await this.options.accountRate(provider)) * this.options.defaultShare;
  }

  /**
   * Accept: reserves the mail's slot. Throws RateLimitedError (429, `Retry-After` in whole seconds) for
   * a tenant with its own `sendRate` that is over it; undefined when no share applies.
   */
  async admit(
    tenant: ShareTenant,
    provider: ProviderName,
    units: number,
    now: number,
  ): Promise<SharePlacement | undefined> {
    const rate = await this.rateOf(tenant, provider);
    if (rate === undefined) return undefined;
    const own = tenant.sendRate !== undefined;
    const reserved = await this.store.reserve(tenant.tenantId, units, 1000 / rate, {
      now,
      ...(own && { maxWaitMs: this.options.acceptBurstMs }),
    });
    if ('retryAfterMs' in reserved) {
      throw new RateLimitedError(`tenant ${tenant.tenantId} is over its send rate of ${rate}/s`, {
        retryAfterSeconds: Math.max(1, Math.ceil(reserved.retryAfterMs / 1000)),
      });
    }
    return this.placement(reserved.slotAt, now);
  }

  /**
   * Send: where the mail's slot is — `delaySeconds` 0 when it is close enough to wait for in the function
   * (toleranceMs), else how long to wait on the queue; undefined when no share applies. A mail that already
   * holds a slot (from accept or an earlier copy) keeps it; one without reserves one.
   */
  async check(
    tenant: ShareTenant,
    provider: ProviderName,
    message: Pick<SendQueueMessage, 'id' | 'to' | 'cc' | 'bcc' | 'shareSlotAt'>,
    now: number,
  ): Promise<(SharePlacement & { backlogged: boolean }) | undefined> {
    let slotAt = message.shareSlotAt;
    // When the slot was booked: at accept (the id's time) or now.
    let bookedAt = idTime(message.id);
    if (slotAt === undefined || now - slotAt > this.options.lateMs) {
      const rate = await this.rateOf(tenant, provider);
      if (rate === undefined) return undefined;
      const reserved = await this.store.reserve(tenant.tenantId, unitsOf(message), 1000 / rate, { now });
      if (!('slotAt' in reserved)) return undefined; // never without maxWaitMs
      slotAt = reserved.slotAt;
      bookedAt = now;
    }
    // Booked further ahead than a queue hop: the tenant had mail of its own waiting in front of this one.
    return { ...this.placement(slotAt, now), backlogged: slotAt - bookedAt > this.options.toleranceMs };
  }

  private placement(slotAt: number, now: number): SharePlacement {
    const wait = slotAt - now;
    const delaySeconds =
      wait <= this.options.toleranceMs ? 0 : Math.min(MAX_DELAY_SECONDS, Math.ceil(wait / 1000));
    return { shareSlotAt: Math.floor(slotAt), delaySeconds };
  }
}

/** Recipients, as SES counts its quota: every distinct address of to, cc and bcc. */
export const unitsOf = (message: Pick<SendQueueMessage, 'to' | 'cc' | 'bcc'>): number =>
  Math.max(1, recipientEmails(message).length);

/** What the send use case needs: the share and a way to put a copy of a record back on the queue. */
export interface SendShareDeps {
  share: TenantShare;
  /** SQS SendMessage of `message` with DelaySeconds: the copy that waits for the share. */
  requeue(message: SendQueueMessage, delaySeconds: number): Promise<void>;
}

/**
 * The send use case's hook. `deferred`: the record was put back to wait for its tenant's share (a copy with
 * the slot and the receives used so far is on the queue; the original is to be consumed). Otherwise the
 * mail may be sent once `waitMs` has passed: a slot less than the tolerance away is waited for here, not
 * booked on the account budget at once. Booking it at once would let a tenant's burst (records become
 * visible together: SQS delays are whole seconds) take a second's worth of the account's slots in one go,
 * and every other tenant's mail would queue behind them; waiting for its own slot first interleaves them
 * (bench `tenant-fairness`). `receiveCount` is the record's own count plus what earlier copies used.
 */
export async function deferOverShare(
  input: {
    message: SendQueueMessage;
    tenant: ShareTenant;
    provider: ProviderName;
    receiveCount: number;
    now: number;
  },
  deps: SendShareDeps | undefined,
): Promise<{ deferred: true } | { deferred: false; waitMs: number; backlogged: boolean }> {
  if (!deps) return { deferred: false, waitMs: 0, backlogged: false };
  const { message, tenant, provider, receiveCount, now } = input;
  const placement = await deps.share.check(tenant, provider, message, now);
  if (!placement) return { deferred: false, waitMs: 0, backlogged: false };
  if (placement.delaySeconds === 0) {
    const waitMs = Math.max(0, placement.shareSlotAt - now);
    return { deferred: false, waitMs, backlogged: placement.backlogged };
  }
  // This receive made no attempt: the copy carries only the receives before it.
  const attemptsUsed = receiveCount - 1;
  const { attemptsUsed: _carried, ...rest } = message;
  await deps.requeue(
    { ...rest, shareSlotAt: placement.shareSlotAt, ...(attemptsUsed > 0 && { attemptsUsed }) },
    placement.delaySeconds,
  );
  return { deferred: true };
}

const TENANT_TTL_MS = 60_000;

/**
 * The accept side's share: the tenant item read through a one-minute cache per container (as the send
 * side's settings are; tenant-settings.ts), then `admit`. Undefined for a tenant that does not exist
 * (the API key said it does; nothing to share then).
 */
export function acceptShare(
  share: TenantShare,
  getTenant: (tenantId: string) => Promise<ShareTenant | null>,
  now: () => number = Date.now,
) {
  const cache = new Map<string, { at: number; value: Promise<ShareTenant | null> }>();
  const tenantOf = (tenantId: string) => {
    const hit = cache.get(tenantId);
    if (hit && now() - hit.at < TENANT_TTL_MS) return hit.value;
    const value = getTenant(tenantId);
    value.catch(() => cache.delete(tenantId));
    cache.set(tenantId, { at: now(), value });
    return value;
  };
  return async (tenantId: string, provider: ProviderName, units: number, at: number) => {
    const tenant = await tenantOf(tenantId);
    return tenant ? share.admit(tenant, provider, units, at) : undefined;
  };
}

/** The account rate per provider, read once (a failed read is tried again next time). */
export function accountRates(read: (provider: ProviderName) => Promise<number>) {
  const rates = new Map<ProviderName, Promise<number>>();
  return (provider: ProviderName): Promise<number> => {
    let rate = rates.get(provider);
    if (!rate) {
      rate = read(provider);
      rate.catch(() => rates.delete(provider));
      rates.set(provider, rate);
    }
    return rate;
  };
}
