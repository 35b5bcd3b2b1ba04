import type { DomainStatus } from '@mailroom/core';
import type { IdentityState, SesIdentities } from '../../src/domains/identities';

/**
 * The account's SES identities in memory, for use-case unit tests: what SesIdentityAdapter answers,
 * with a status the test sets (`verify`, `fail`) and calls it can make fail (`failNext`).
 */
export class InMemorySesIdentities implements SesIdentities {
  readonly identities = new Map<string, IdentityState>();
  readonly calls: string[] = [];
  private failures = new Map<string, Error>();
  private n = 0;

  /** The next call of `operation` throws `error`. */
  failNext(operation: keyof SesIdentities, error: Error = new Error('SES is down')): void {
    this.failures.set(operation, error);
  }

  set(domain: string, status: DomainStatus, extra: Partial<IdentityState> = {}): void {
    const found = this.identities.get(domain);
    if (!found) throw new Error(`no identity ${domain}`);
    const dkimStatus = status === 'verified' ? 'success' : status === 'failed' ? 'failed' : 'pending';
    this.identities.set(domain, { ...found, status, dkimStatus, ...extra });
  }

  async create(domain: string, tags: Record<string, string>): Promise<IdentityState | 'exists'> {
    this.call('create', domain);
    if (this.identities.has(domain)) return 'exists';
    const n = ++this.n;
    const identity: IdentityState = {
      status: 'pending',
      dkimStatus: 'pending',
      dkimTokens: [`tok${n}a`, `tok${n}b`, `tok${n}c`],
      tags: { ...tags },
    };
    this.identities.set(domain, identity);
    return { ...identity };
  }

  async get(domain: string): Promise<IdentityState | undefined> {
    this.call('get', domain);
    const found = this.identities.get(domain);
    return found && { ...found, tags: { ...found.tags } };
  }

  async remove(domain: string): Promise<void> {
    this.call('remove', domain);
    this.identities.delete(domain);
  }

  async setMailFrom(domain: string, mailFrom: string): Promise<void> {
    this.call('setMailFrom', domain);
    const found = this.identities.get(domain);
    if (!found) throw new Error(`no identity ${domain}`);
    this.identities.set(domain, { ...found, mailFrom, mailFromStatus: 'pending' });
  }

  private call(operation: keyof SesIdentities, domain: string): void {
    this.calls.push(`${operation} ${domain}`);
    const failure = this.failures.get(operation);
    if (failure) {
      this.failures.delete(operation);
      throw failure;
    }
  }
}
