import type { DomainRecord, DomainStatus } from '@mailroom/core';

export interface DnsRecord {
  type: 'CNAME' | 'MX' | 'TXT';
  name: string;
  value: string;
}

/** A domain as the `/v1/domains` endpoints answer it (docs/contract.md). */
export interface DomainView {
  domain: string;
  status: DomainStatus;
  dkimStatus: string | null;
  mailFrom: string | null;
  mailFromStatus: string | null;
  records: DnsRecord[];
  createdAt: string;
  /** When the status was last read from SES. */
  checkedAt: string | null;
}

/**
 * The DNS records a tenant publishes:
 * - Easy DKIM: three CNAMEs `<token>._domainkey.<domain>` → `<token>.dkim.amazonses.com`
 *   (https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html);
 * - a custom MAIL FROM domain: MX `10 feedback-smtp.<region>.amazonses.com` and the SPF TXT
 *   `v=spf1 include:amazonses.com ~all` (https://docs.aws.amazon.com/ses/latest/dg/mail-from.html);
 * - a DMARC policy to start with, `p=none` (monitor only; tighten once reports look clean):
 *   https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dmarc.html
 * TXT values are given without the quotes a zone file would put around them.
 */
export function dnsRecords(record: Pick<DomainRecord, 'domain' | 'dkimTokens' | 'mailFrom'>, region: string) {
  const records: DnsRecord[] = record.dkimTokens.map((token) => ({
    type: 'CNAME',
    name: `${token}._domainkey.${record.domain}`,
    value: `${token}.dkim.amazonses.com`,
  }));
  if (record.mailFrom !== undefined) {
    records.push(
      { type: 'MX', name: record.mailFrom, value: `10 feedback-smtp.${region}.amazonses.com` },
      { type: 'TXT', name: record.mailFrom, value: 'v=spf1 include:amazonses.com ~all' },
    );
  }
  records.push({ type: 'TXT', name: `_dmarc.${record.domain}`, value: 'v=DMARC1; p=none;' });
  return records;
}

export const domainView = (record: DomainRecord, region: string): DomainView => ({
  domain: record.domain,
  status: record.status,
  dkimStatus: record.dkimStatus ?? null,
  mailFrom: record.mailFrom ?? null,
  mailFromStatus: record.mailFromStatus ?? null,
  records: dnsRecords(record, region),
  createdAt: record.createdAt,
  checkedAt: record.checkedAt ?? null,
});
