/**
 * Where a sending domain stands (docs/contract.md): `pending` until SES has verified it (Easy DKIM),
 * `verified` once it may send, `failed` when SES gave up (records missing after 72 hours, or removed).
 */
export type DomainStatus = 'pending' | 'verified' | 'failed';

/** A tenant's sending domain: one per domain name, whoever claimed it first holds it. */
export interface DomainRecord {
  /** Canonical spelling (normalizeDomain). */
  domain: string;
  tenantId: string;
  status: DomainStatus;
  /** Easy DKIM tokens SES generated; empty until the SES identity exists. */
  dkimTokens: string[];
  /** SES's DKIM status, lower case (`pending`, `success`, `failed`, `temporary_failure`, `not_started`). */
  dkimStatus?: string;
  /** The custom MAIL FROM domain, when the tenant asked for one. */
  mailFrom?: string;
  /** SES's MAIL FROM status, lower case (`pending`, `success`, `failed`, `temporary_failure`). */
  mailFromStatus?: string;
  createdAt: string;
  updatedAt: string;
  /** When the status was last read from SES. */
  checkedAt?: string;
}

/** What a refresh from SES (or the seed) may change. */
export type DomainUpdate = Partial<
  Pick<DomainRecord, 'status' | 'dkimTokens' | 'dkimStatus' | 'mailFrom' | 'mailFromStatus' | 'checkedAt'>
>;

export interface DomainPage {
  items: DomainRecord[];
  /** The last domain of this page when more follow (the next page starts after it); else undefined. */
  last?: string;
}

/**
 * Tenants' sending domains. Domain names passed in must already be canonical (normalizeDomain); the
 * store does not re-spell them. Implementations: DynamoDomainStore (`@mailroom/core/aws`),
 * InMemoryDomainStore (`@mailroom/core/testing`), with the same behaviour (one suite runs both).
 */
export interface DomainStore {
  /**
   * Claims `domain` for `tenantId` as `pending` with a conditional write. When this tenant already holds
   * it, writes nothing and answers the existing record (`created: false`); ConflictError (409) when
   * another tenant does.
   */
  claim(
    tenantId: string,
    domain: string,
    fields?: Pick<DomainRecord, 'mailFrom'>,
  ): Promise<{ created: boolean; record: DomainRecord }>;
  /** The tenant's domain; null when there is none or another tenant holds it (both are a 404). */
  get(tenantId: string, domain: string): Promise<DomainRecord | null>;
  /**
   * The records of those of `domains` that someone holds, whoever it is, read strongly consistently:
   * what the sender check and the claim's parent check need.
   */
  lookup(domains: readonly string[]): Promise<DomainRecord[]>;
  /** A page of the tenant's domains in name order, starting after `after`. */
  list(tenantId: string, page: { limit: number; after?: string }): Promise<DomainPage>;
  /** Sets fields of the tenant's domain; null (nothing written) when it is gone or another tenant's. */
  update(tenantId: string, domain: string, fields: DomainUpdate): Promise<DomainRecord | null>;
  /** Removes the tenant's domain; false when there was none or another tenant holds it. */
  remove(tenantId: string, domain: string): Promise<boolean>;
}
