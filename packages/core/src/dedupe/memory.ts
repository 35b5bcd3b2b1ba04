import { randomUUID } from 'node:crypto';
import {
  type AcquireOptions,
  type AcquireResult,
  type DedupeKey,
  type DedupeLock,
  type JoinableCompletion,
  lockPk,
  OwnerTokens,
} from './port';
import type { InMemoryWrite } from '../stores/messages/memory';

type Entry<R> =
  | { status: 'in_progress'; owner: string; leaseExpiresAt: number; fingerprint?: string }
  | { status: 'completed'; result: R; fingerprint?: string };

const withFingerprint = (fingerprint: string | undefined) =>
  fingerprint === undefined ? {} : { fingerprint };

/**
 * Same semantics as DynamoDedupeLock, within one process: for unit tests of code that takes a DedupeLock.
 * Workers are simulated with `view()`: views share the locks but each remembers its own owner tokens,
 * as separate Lambda containers would.
 */
export class InMemoryDedupeLock<R = unknown> implements DedupeLock<R>, JoinableCompletion<R> {
  private readonly owners = new OwnerTokens();

  constructor(private readonly entries: Map<string, Entry<R>> = new Map()) {}

  /** Another worker's handle on the same locks. */
  view(): InMemoryDedupeLock<R> {
    return new InMemoryDedupeLock<R>(this.entries);
  }

  async acquire(
    key: DedupeKey,
    { leaseMs, now = Date.now(), fingerprint }: AcquireOptions,
  ): Promise<AcquireResult<R>> {
    const id = lockPk(key);
    const entry = this.entries.get(id);
    if (entry?.status === 'completed') {
      return { state: 'completed', result: entry.result, ...withFingerprint(entry.fingerprint) };
    }
    if (entry?.status === 'in_progress' && entry.leaseExpiresAt >= now) {
      return {
        state: 'in_progress',
        leaseExpiresAt: entry.leaseExpiresAt,
        ...withFingerprint(entry.fingerprint),
      };
    }
    const owner = randomUUID();
    const leaseExpiresAt = now + leaseMs;
    this.entries.set(id, { status: 'in_progress', owner, leaseExpiresAt, ...withFingerprint(fingerprint) });
    this.owners.remember(key, owner);
    return { state: 'acquired', owner, leaseExpiresAt };
  }

  async complete(key: DedupeKey, result: R, owner?: string): Promise<boolean> {
    const token = this.owners.resolve(key, owner);
    const entry = this.entries.get(lockPk(key));
    if (token === undefined || entry?.status !== 'in_progress' || entry.owner !== token) return false;
    this.entries.set(lockPk(key), { status: 'completed', result, ...withFingerprint(entry.fingerprint) });
    this.owners.forget(key, token);
    return true;
  }

  /** `complete` as a write that joins an InMemoryMessageStore transition (JoinableCompletion). */
  completion(key: DedupeKey, result: R, owner?: string): ReturnType<JoinableCompletion<R>['completion']> {
    const token = this.owners.resolve(key, owner);
    if (token === undefined) return undefined;
    const id = lockPk(key);
    const item: InMemoryWrite = {
      check: () => {
        const entry = this.entries.get(id);
        return entry?.status === 'in_progress' && entry.owner === token;
      },
      apply: () => {
        const entry = this.entries.get(id);
        this.entries.set(id, { status: 'completed', result, ...withFingerprint(entry?.fingerprint) });
      },
    };
    return { item, settle: () => this.owners.forget(key, token) };
  }

  async release(key: DedupeKey, owner?: string): Promise<boolean> {
    const token = this.owners.resolve(key, owner);
    const entry = this.entries.get(lockPk(key));
    if (token === undefined || entry?.status !== 'in_progress' || entry.owner !== token) return false;
    this.entries.delete(lockPk(key));
    this.owners.forget(key, token);
    return true;
  }
}
