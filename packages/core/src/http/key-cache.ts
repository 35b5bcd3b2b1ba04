import { LRUCache } from 'lru-cache';
import { hashApiKey, type Principal } from '../stores/tenants/api-keys';
import type { TenantStore } from '../stores/tenants/port';
import type { KeyAuthenticator } from './auth';

export interface KeyCacheOptions {
  /** How long a key's principal is reused: a revoked key is refused at most this long after revocation. */
  ttlMs: number;
  /** How long an unknown or revoked key's refusal is reused; default the shorter of `ttlMs` and 1 s. */
  negativeTtlMs?: number;
  /** `lastUsedAt` is written at most this often per key and process (default a minute). */
  lastUsedIntervalMs?: number;
  /** Keys remembered at most (least recently used dropped first); default 10,000. */
  maxKeys?: number;
  /** Milliseconds since the epoch; tests pass a clock they move. */
  now?: () => number;
  /** Where a failed `lastUsedAt` write is reported: it never fails the request. */
  logger: { warn(message: string, ...extra: unknown[]): void };
}

type KeyStore = Pick<TenantStore, 'authenticate' | 'recordKeyUse'>;
/** Wrapped, since the cache cannot hold null, and a refusal is worth remembering too. */
type Answer = { principal: Principal | null };

export const LAST_USED_INTERVAL_MS = 60_000;

/**
 * API keys → principals, remembered per container for a few seconds (docs/api-keys.md), so a warm
 * container answers most requests without the key's GetItem, and a revoked key is refused within
 * `ttlMs` everywhere. Entries are keyed by the key's SHA-256, never the key; concurrent requests with
 * the same key share one lookup; a failed lookup is not remembered. Each request with a valid key
 * records its use (`lastUsedAt`), at most once per interval per key, fire-and-forget.
 */
export class CachedKeyAuthenticator implements KeyAuthenticator {
  private readonly answers: LRUCache<string, Answer, string>;
  /** Keys whose use this container recorded within the interval. */
  private readonly recorded: LRUCache<string, true>;
  private readonly now: () => number;
  private readonly intervalMs: number;

  constructor(
    private readonly store: KeyStore,
    private readonly options: KeyCacheOptions,
  ) {
    if (!(options.ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    this.now = options.now ?? Date.now;
    this.intervalMs = options.lastUsedIntervalMs ?? LAST_USED_INTERVAL_MS;
    const negativeTtlMs = options.negativeTtlMs ?? Math.min(options.ttlMs, 1000);
    // ttlResolution 0: read the clock on every check (the default caches it for 1 ms with a real timer).
    const timing = { perf: { now: this.now }, ttlResolution: 0 };
    this.answers = new LRUCache<string, Answer, string>({
      max: options.maxKeys ?? 10_000,
      ttl: options.ttlMs,
      ...timing,
      fetchMethod: async (_hash, _stale, { context, options: entry }) => {
        const principal = await this.store.authenticate(context);
        if (!principal) entry.ttl = negativeTtlMs;
        return { principal };
      },
    });
    this.recorded = new LRUCache<string, true>({
      max: options.maxKeys ?? 10_000,
      ttl: this.intervalMs,
      ...timing,
    });
  }

  async authenticate(key: string): Promise<Principal | null> {
    if (key === '') return null;
    const hash = hashApiKey(key);
    const answer = await this.answers.fetch(hash, { context: key });
    const principal = answer?.principal;
    if (!principal) return null;
    this.recordUse(key, hash, principal.keyId);
    // A copy: nothing a route does to its principal reaches the next request's.
    return {
      ...principal,
      scopes: [...principal.scopes],
      ...(principal.allowIps && { allowIps: [...principal.allowIps] }),
    };
  }

  /** Not awaited: the request never waits for, nor fails with, this write. */
  private recordUse(key: string, hash: string, keyId: string): void {
    if (this.recorded.has(hash)) return;
    // Marked before the write and kept after a failure: a failing table gets one try per interval.
    this.recorded.set(hash, true);
    this.store.recordKeyUse(key, new Date(this.now()), this.intervalMs).catch((error: unknown) => {
      this.options.logger.warn('could not record an API key’s last use', { keyId, error });
    });
  }
}

/** A service's cached key lookup, from its `MAILROOM_KEY_CACHE_SECONDS` (KeyCacheEnvSchema). */
export const cachedKeys = (
  store: KeyStore,
  env: { MAILROOM_KEY_CACHE_SECONDS: number },
  logger: KeyCacheOptions['logger'],
  now?: () => number,
): CachedKeyAuthenticator =>
  new CachedKeyAuthenticator(store, {
    ttlMs: env.MAILROOM_KEY_CACHE_SECONDS * 1000,
    logger,
    ...(now && { now }),
  });
