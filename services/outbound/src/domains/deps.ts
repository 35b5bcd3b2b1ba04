import type { Logger } from '@aws-lambda-powertools/logger';
import type { Cursors, DomainStore } from '@mailroom/core';
import type { SesIdentities } from './identities';

/** What the `/v1/domains` use cases need; wiring.ts builds the real ones. */
export interface DomainDeps {
  domains: DomainStore;
  identities: SesIdentities;
  /** The SES region: it names the MAIL FROM MX record's host. */
  region: string;
  /** Tags the SES identities Mailroom creates (docs/design-notes.md), with the tenant. */
  stage: string;
  /** A pending domain is read again from SES at most this often by lists and by the accept check. */
  refreshAfterMs: number;
  logger: Pick<Logger, 'warn'>;
  now?: () => Date;
}

/** `GET /v1/domains` also signs and opens list cursors. */
export interface ListDomainDeps extends DomainDeps {
  cursors: Cursors;
}
