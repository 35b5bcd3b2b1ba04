import {
  domainAndParents,
  emailDomain,
  SenderDomainNotVerifiedError,
  type Address,
  type DomainRecord,
  type DomainStore,
} from '@mailroom/core';
import { isStale } from './refresh-domain';

/**
 * Throws SenderDomainNotVerifiedError unless the `from` address's domain, or a parent of it, is a
 * verified sending domain of the tenant.
 */
export type SenderCheck = (tenantId: string, from: Address) => Promise<void>;

export interface SenderCheckOptions {
  domains: Pick<DomainStore, 'lookup'>;
  /**
   * Reads a pending domain's status again from SES before refusing mail from it, at most once per
   * `refreshAfterMs` per domain (its `checkedAt`): the accept side passes this, so a tenant's mail flows
   * once SES has verified the DNS records, without a call to `GET /v1/domains/{domain}` first.
   */
  refresh?: { domain: (record: DomainRecord) => Promise<DomainRecord>; afterMs: number };
  /** How long a "verified" answer is reused in this container. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * A verified answer is kept for a minute per warm container (like the tenant's send settings): the
 * send path then reads nothing for a tenant's usual senders. Only verified answers are kept; anything
 * else is read again, strongly consistently, so a domain verified a moment ago is never refused from a
 * stale memory — at send time that refusal would be final. A deleted domain stops passing within this time.
 */
const VERIFIED_CACHE_MS = 60_000;
// One entry per tenant and sending domain; a container that somehow sees more starts over.
const MAX_ENTRIES = 10_000;

export function senderDomainCheck(options: SenderCheckOptions): SenderCheck {
  const clock = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? VERIFIED_CACHE_MS;
  const verifiedUntil = new Map<string, number>();

  return async (tenantId, from) => {
    const domain = emailDomain(typeof from === 'string' ? from : from.email);
    const key = `${tenantId} ${domain}`;
    if ((verifiedUntil.get(key) ?? 0) > clock()) return;

    const held = (await options.domains.lookup(domainAndParents(domain))).filter(
      (record) => record.tenantId === tenantId,
    );
    let verified = held.some((record) => record.status === 'verified');
    const refresh = options.refresh;
    if (!verified && refresh) {
      const now = new Date(clock());
      const stale = held.filter((r) => r.status === 'pending' && isStale(r, refresh.afterMs, now));
      const fresh = await Promise.all(stale.map((record) => refresh.domain(record)));
      verified = fresh.some((record) => record.status === 'verified');
    }
    if (verified) {
      if (verifiedUntil.size >= MAX_ENTRIES) verifiedUntil.clear();
      verifiedUntil.set(key, clock() + cacheMs);
      return;
    }
    throw new SenderDomainNotVerifiedError(refusal(domain, held), {
      details: [{ path: 'from', message: `${domain} is not a verified sending domain of this tenant` }],
    });
  };
}

/** Says what to do next; never whether another tenant holds the domain. */
function refusal(domain: string, held: DomainRecord[]): string {
  const pending = held.find((record) => record.status === 'pending');
  if (pending) {
    return `${pending.domain} is not verified yet: publish its DNS records (GET /v1/domains/${pending.domain}) and wait for SES to verify them`;
  }
  const failed = held.find((record) => record.status === 'failed');
  if (failed) {
    return `verification of ${failed.domain} failed: check its DNS records (GET /v1/domains/${failed.domain}); to start over, delete it and add it again`;
  }
  return `${domain} is not a sending domain of this tenant: add it (or a parent) with POST /v1/domains and publish its DNS records`;
}
