/**
 * The dedupe lock (docs/architecture.md, "Dedupe lock"): one record per tenant + idempotency key that makes a
 * send happen once even when SQS delivers a message twice or a worker crashes mid-send.
 *
 * Semantics every implementation keeps:
 * - `acquire` succeeds when no lock exists or the existing one is `in_progress` with an expired lease.
 *   Expiry is compared explicitly, never left to TTL deletion. The lease must outlive the function
 *   timeout: then a worker still running can never be taken over, and a crashed one always is.
 * - Each successful acquire mints a fresh `owner` token, kept in the condition of every later write:
 *   `complete` and `release` act only while the lock is still `in_progress` and held by that token, so a
 *   worker whose lease was taken over cannot overwrite or delete its successor's lock. They return false
 *   when ownership was lost; the caller should still record what it did (e.g. the provider id) and log
 *   it — the lock stays the new owner's. The token is remembered by the lock object that acquired it
 *   (a worker acquires and finishes with the same object), or can be passed explicitly.
 *   A still-owned lock can be completed after its lease has expired: the work did happen.
 * - `completed` is final: later acquirers get the stored result (the "first answer").
 * - `fingerprint` (optional, e.g. a hash of the request body) is stored by the acquirer and returned to
 *   later ones, so an API can answer 409 when a key is reused with a different body.
 */
export interface DedupeKey {
  tenantId: string;
  idempotencyKey: string;
}

export interface AcquireOptions {
  /** How long the acquirer may hold the lock before others may take over. */
  leaseMs: number;
  /** Epoch milliseconds; Date.now() by default. Injected by tests. */
  now?: number;
  fingerprint?: string;
}

export type AcquireResult<R> =
  | { state: 'acquired'; owner: string; leaseExpiresAt: number }
  | { state: 'in_progress'; leaseExpiresAt: number; fingerprint?: string }
  | { state: 'completed'; result: R; fingerprint?: string };

export interface DedupeLock<R = unknown> {
  acquire(key: DedupeKey, options: AcquireOptions): Promise<AcquireResult<R>>;
  /**
   * Marks the lock completed with `result`. `owner` defaults to the token this object got from its own
   * acquire of `key`. False if that owner no longer holds the lock (or this object never acquired it).
   */
  complete(key: DedupeKey, result: R, owner?: string): Promise<boolean>;
  /** Removes the lock so the next attempt can acquire it at once. Same ownership rule as `complete`. */
  release(key: DedupeKey, owner?: string): Promise<boolean>;
}

/**
 * A `complete` that joins the caller's own atomic write (MessageStore.transition), for a lock kept in
 * the same backend as the caller's records (DynamoDB: the same table): the lock turns `completed` in the same write that records the result, so the
 * two cannot disagree and the caller saves a round trip. The caller runs `item` in its transaction and
 * then calls `settle(true)` if it committed, or `settle(false)` if this item's condition failed (the
 * lease was taken over; the lock is no longer ours).
 */
export interface JoinableCompletion<R = unknown> {
  completion(
    key: DedupeKey,
    result: R,
    owner?: string,
  ): { item: unknown; settle(committed: boolean): void } | undefined;
}

/**
 * Owner tokens of the locks an object acquired and has not finished. Entries go on complete/release; a
 * crashed worker's vanish with its process. Only an object that acquires the same key twice — possible
 * only if a lease is shorter than the work, which the lease rule forbids — would mix them up.
 */
export class OwnerTokens {
  private readonly tokens = new Map<string, string>();

  remember(key: DedupeKey, owner: string): void {
    this.tokens.set(lockPk(key), owner);
  }

  /** The explicit owner, else the remembered one. */
  resolve(key: DedupeKey, owner: string | undefined): string | undefined {
    return owner ?? this.tokens.get(lockPk(key));
  }

  /** Forgets `owner` for `key`, unless a newer acquire has replaced it. */
  forget(key: DedupeKey, owner: string): void {
    if (this.tokens.get(lockPk(key)) === owner) this.tokens.delete(lockPk(key));
  }
}

/** Locks without a completion are cleaned up, and completed ones forgotten, after this long by default. */
export const DEFAULT_LOCK_TTL_SECONDS = 7 * 24 * 60 * 60;

/** `LOCK#<tenantId>#<idempotencyKey>` (design-notes.md). */
export const lockPk = ({ tenantId, idempotencyKey }: DedupeKey): string =>
  `LOCK#${tenantId}#${idempotencyKey}`;
export const LOCK_SK = 'LOCK';
