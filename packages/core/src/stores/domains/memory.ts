import { ConflictError } from '../../errors';
import { newDomainRecord, toDomainRecord } from './items';
import type { DomainPage, DomainRecord, DomainStore, DomainUpdate } from './port';

/** DomainStore in memory, for use-case tests; same answers and errors as DynamoDomainStore. */
export class InMemoryDomainStore implements DomainStore {
  private readonly domains = new Map<string, DomainRecord>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async claim(
    tenantId: string,
    domain: string,
    fields: Pick<DomainRecord, 'mailFrom'> = {},
  ): Promise<{ created: boolean; record: DomainRecord }> {
    const held = this.domains.get(domain);
    if (held && held.tenantId !== tenantId) throw new ConflictError(`${domain} is held by another tenant`);
    if (held) return { created: false, record: toDomainRecord(held) };
    const record = newDomainRecord(tenantId, domain, this.now().toISOString(), fields);
    this.domains.set(domain, record);
    return { created: true, record: toDomainRecord(record) };
  }

  async get(tenantId: string, domain: string): Promise<DomainRecord | null> {
    const held = this.domains.get(domain);
    return held && held.tenantId === tenantId ? toDomainRecord(held) : null;
  }

  async lookup(domains: readonly string[]): Promise<DomainRecord[]> {
    return [...new Set(domains)].flatMap((d) => {
      const held = this.domains.get(d);
      return held ? [toDomainRecord(held)] : [];
    });
  }

  async list(tenantId: string, { limit, after }: { limit: number; after?: string }): Promise<DomainPage> {
    const all = [...this.domains.values()]
      .filter((d) => d.tenantId === tenantId && (after === undefined || d.domain > after))
      .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
    const items = all.slice(0, limit).map(toDomainRecord);
    return all.length > limit ? { items, last: items[items.length - 1]?.domain } : { items };
  }

  async update(tenantId: string, domain: string, fields: DomainUpdate): Promise<DomainRecord | null> {
    const held = this.domains.get(domain);
    if (!held || held.tenantId !== tenantId) return null;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const updated = { ...held, ...defined, updatedAt: this.now().toISOString() };
    this.domains.set(domain, updated);
    return toDomainRecord(updated);
  }

  async remove(tenantId: string, domain: string): Promise<boolean> {
    const held = this.domains.get(domain);
    if (!held || held.tenantId !== tenantId) return false;
    this.domains.delete(domain);
    return true;
  }
}
