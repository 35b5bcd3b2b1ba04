import { isoTime, newInbound, position, positionId, toInbound, untilBound } from './items';
import type {
  InboundFilter,
  InboundPage,
  InboundRecord,
  InboundStatus,
  InboundStore,
  InboundUpdate,
  NewInbound,
} from './port';

/** InboundStore in Maps, for use-case tests; same answers as DynamoInboundStore. Records are copied in and out. */
export class InMemoryInboundStore implements InboundStore {
  private readonly records = new Map<string, InboundRecord>();
  private readonly bySesId = new Map<string, string>();
  /** Lease ends of claimed records (ms), as DynamoInboundStore keeps `leaseUntil` beside the record. */
  private readonly leases = new Map<string, number>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async receive(mail: NewInbound): Promise<{ created: boolean; record: InboundRecord }> {
    const existing = this.bySesId.get(mail.sesMessageId);
    if (existing !== undefined)
      return { created: false, record: toInbound({ ...this.records.get(existing)! }) };
    const record = newInbound(mail, this.now());
    this.records.set(record.id, toInbound({ ...record }));
    this.bySesId.set(record.sesMessageId, record.id);
    return { created: true, record };
  }

  async get(tenantId: string, id: string): Promise<InboundRecord | null> {
    const record = await this.load(id);
    return record && record.tenantId === tenantId ? record : null;
  }

  async load(id: string): Promise<InboundRecord | null> {
    const record = this.records.get(id);
    return record ? toInbound({ ...record }) : null;
  }

  async update(
    id: string,
    fields: InboundUpdate,
    from?: readonly InboundStatus[],
  ): Promise<InboundRecord | null> {
    const record = this.records.get(id);
    if (!record || (from && !from.includes(record.status))) return null;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (fields.status !== undefined) this.leases.delete(id);
    return this.write(record, { ...structuredClone(defined) });
  }

  async claim(id: string, leaseMs: number): Promise<InboundRecord | null> {
    const record = this.records.get(id);
    const now = this.now().getTime();
    const lease = this.leases.get(id);
    if (!record || record.status !== 'received' || (lease !== undefined && lease > now)) return null;
    this.leases.set(id, now + leaseMs);
    return this.write(record, { attempts: record.attempts + 1 });
  }

  async stuck(idleMs: number, { limit, after }: { limit: number; after?: string }): Promise<InboundPage> {
    if (after !== undefined) positionId(after);
    const stuck = [...this.records.values()]
      .filter((r) => this.isStuck(r, idleMs) && (after === undefined || position(r) > after))
      .sort((a, b) => (position(a) < position(b) ? -1 : 1));
    return page(stuck, limit);
  }

  async free(id: string, idleMs: number): Promise<InboundRecord | null> {
    const record = this.records.get(id);
    if (!record || !this.isStuck(record, idleMs)) return null;
    this.leases.delete(id);
    return this.write(record, {});
  }

  private isStuck(record: InboundRecord, idleMs: number): boolean {
    if (record.status !== 'received') return false;
    const now = this.now().getTime();
    const lease = this.leases.get(record.id);
    return lease !== undefined ? lease <= now : Date.parse(record.updatedAt) <= now - idleMs;
  }

  private write(record: InboundRecord, fields: Partial<InboundRecord>): InboundRecord {
    const updated = toInbound({ ...record, ...fields, updatedAt: this.now().toISOString() });
    this.records.set(record.id, updated);
    return toInbound({ ...updated });
  }

  async list(
    tenantId: string,
    filter: InboundFilter,
    { limit, after }: { limit: number; after?: string },
  ): Promise<InboundPage> {
    if (after !== undefined) positionId(after);
    const since = filter.since === undefined ? undefined : isoTime(filter.since, 'since');
    const until = filter.until === undefined ? undefined : untilBound(isoTime(filter.until, 'until'));
    const recipient = filter.recipient?.toLowerCase();
    const matching = [...this.records.values()]
      .filter((r) => {
        const at = position(r);
        return (
          r.tenantId === tenantId &&
          (filter.status === undefined || r.status === filter.status) &&
          (recipient === undefined || r.recipients.includes(recipient)) &&
          (since === undefined || at >= since) &&
          (until === undefined || at <= until) &&
          (after === undefined || at < after)
        );
      })
      .sort((a, b) => (position(a) < position(b) ? 1 : -1));
    return page(matching, limit);
  }

  async failedSince(
    since: string,
    { limit, after }: { limit: number; after?: string },
  ): Promise<InboundPage> {
    if (after !== undefined) positionId(after);
    const from = isoTime(since, 'since');
    const failed = [...this.records.values()]
      .filter(
        (r) => r.status === 'failed' && position(r) >= from && (after === undefined || position(r) > after),
      )
      .sort((a, b) => (position(a) < position(b) ? -1 : 1));
    return page(failed, limit);
  }
}

const page = (records: InboundRecord[], limit: number): InboundPage => {
  const items = records.slice(0, limit).map((r) => toInbound({ ...r }));
  return records.length > limit ? { items, last: position(items[items.length - 1]!) } : { items };
};
