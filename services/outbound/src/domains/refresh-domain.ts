import type { DomainRecord } from '@mailroom/core';
import type { DomainDeps } from './deps';
import { fieldsOf } from './identities';

type RefreshDeps = Pick<DomainDeps, 'domains' | 'identities' | 'logger' | 'now'>;

/** Whether a record's status is older than `afterMs` (never read from SES counts as old). */
export const isStale = (record: DomainRecord, afterMs: number, now: Date): boolean =>
  record.checkedAt === undefined || now.getTime() - Date.parse(record.checkedAt) >= afterMs;

/**
 * Reads the domain's verification and DKIM status from SES and records it. SES is the authority on
 * verification; the table only remembers its last answer. An identity missing from SES (deleted outside
 * Mailroom, or never created because the claim's request died half-way) is `failed`: a POST repairs it.
 * A failed read keeps the stored status — a status page that answers beats one that errors while SES
 * throttles — and is logged.
 */
export async function refreshDomain(record: DomainRecord, deps: RefreshDeps): Promise<DomainRecord> {
  const now = (deps.now ?? (() => new Date()))();
  try {
    const identity = await deps.identities.get(record.domain);
    const fields = identity
      ? fieldsOf(identity, now)
      : { status: 'failed' as const, checkedAt: now.toISOString() };
    // null: deleted meanwhile; the caller answers what it had.
    return (await deps.domains.update(record.tenantId, record.domain, fields)) ?? record;
  } catch (err) {
    deps.logger.warn('could not refresh a domain from SES', { domain: record.domain, err });
    return record;
  }
}
