import type { DomainStatus, DomainUpdate } from '@mailroom/core';

/** What Mailroom reads of an SES email identity (`GetEmailIdentity`, `CreateEmailIdentity`). */
export interface IdentityState {
  status: DomainStatus;
  /** SES's DKIM status, lower case. */
  dkimStatus?: string;
  dkimTokens: string[];
  mailFrom?: string;
  /** SES's MAIL FROM status, lower case. */
  mailFromStatus?: string;
  tags: Record<string, string>;
}

/**
 * The account's SES email identities (SES v2). Implementation: SesIdentityAdapter
 * (adapters/ses-identities.ts); tests use the SES stand-in or an in-memory double.
 */
export interface SesIdentities {
  /** Creates a domain identity with Easy DKIM and these tags; `exists` when the account has it already. */
  create(domain: string, tags: Record<string, string>): Promise<IdentityState | 'exists'>;
  /** undefined when the account has no such identity. */
  get(domain: string): Promise<IdentityState | undefined>;
  /** Deletes the identity; one already gone is fine. */
  remove(domain: string): Promise<void>;
  /** Sets a custom MAIL FROM domain (a subdomain of `domain`). */
  setMailFrom(domain: string, mailFrom: string): Promise<void>;
}

/** The domain record's fields an identity's state sets. */
export const fieldsOf = (identity: IdentityState, checkedAt: Date): DomainUpdate => ({
  status: identity.status,
  dkimTokens: identity.dkimTokens,
  dkimStatus: identity.dkimStatus,
  mailFrom: identity.mailFrom,
  mailFromStatus: identity.mailFromStatus,
  checkedAt: checkedAt.toISOString(),
});
