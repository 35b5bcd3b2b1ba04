import type { DomainRecord } from './port';

/**
 * A domain item of the tenants table (docs/design-notes.md): keyed by the domain alone, so a second
 * tenant's claim fails the conditional put; `gsi1pk = TENANT#<id>`, `gsi1sk = DOMAIN#<domain>` list a
 * tenant's domains next to its API keys (`KEY#…`) on the table's one GSI.
 */
export interface DomainItem extends DomainRecord {
  pk: string;
  sk: 'DOMAIN';
  gsi1pk: string;
  gsi1sk: string;
}

export const domainKey = (domain: string) => ({ pk: `DOMAIN#${domain}`, sk: 'DOMAIN' as const });
export const domainIndexKey = (tenantId: string, domain: string) => ({
  gsi1pk: `TENANT#${tenantId}`,
  gsi1sk: `DOMAIN#${domain}`,
});

export const toDomainItem = (record: DomainRecord): DomainItem => ({
  ...domainKey(record.domain),
  ...domainIndexKey(record.tenantId, record.domain),
  ...record,
});

/** The record's own fields, in a fixed order; keys and index attributes stay in the store. */
export const toDomainRecord = (item: DomainRecord): DomainRecord => ({
  domain: item.domain,
  tenantId: item.tenantId,
  status: item.status,
  dkimTokens: [...(item.dkimTokens ?? [])],
  ...(item.dkimStatus !== undefined && { dkimStatus: item.dkimStatus }),
  ...(item.mailFrom !== undefined && { mailFrom: item.mailFrom }),
  ...(item.mailFromStatus !== undefined && { mailFromStatus: item.mailFromStatus }),
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  ...(item.checkedAt !== undefined && { checkedAt: item.checkedAt }),
});

export const newDomainRecord = (
  tenantId: string,
  domain: string,
  at: string,
  fields: Pick<DomainRecord, 'mailFrom'> = {},
): DomainRecord => ({
  domain,
  tenantId,
  status: 'pending',
  dkimTokens: [],
  ...(fields.mailFrom !== undefined && { mailFrom: fields.mailFrom }),
  createdAt: at,
  updatedAt: at,
});
