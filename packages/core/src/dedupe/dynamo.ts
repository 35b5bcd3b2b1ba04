import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AcquireOptions,
  type AcquireResult,
  DEFAULT_LOCK_TTL_SECONDS,
  type DedupeKey,
  type DedupeLock,
  type JoinableCompletion,
  LOCK_SK,
  lockPk,
  OwnerTokens,
} from './port';
import { isConditionFailure } from '../aws/dynamo-errors';

export interface DynamoDedupeLockOptions {
  /** TTL (`expiresAt`) set on acquire and refreshed on complete. Default 7 days. */
  ttlSeconds?: number;
}

interface LockItem<R> {
  pk: string;
  sk: string;
  status: 'in_progress' | 'completed';
  owner?: string;
  leaseExpiresAt?: number;
  result?: R;
  fingerprint?: string;
  expiresAt: number;
}

/** Attempts at acquire when the item changes between the failed put and the read (see acquire). */
const MAX_ACQUIRE_ROUNDS = 3;

/**
 * DedupeLock on the messages table (design-notes.md): `pk = LOCK#<tenantId>#<idempotencyKey>`,
 * `sk = LOCK`, TTL attribute `expiresAt`. Every state change is one conditional write, so concurrent
 * workers race in DynamoDB, not in our code.
 */
export class DynamoDedupeLock<R = unknown> implements DedupeLock<R>, JoinableCompletion<R> {
  private readonly ttlSeconds: number;
  private readonly owners = new OwnerTokens();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDedupeLockOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_LOCK_TTL_SECONDS;
  }

  async acquire(key: DedupeKey, options: AcquireOptions): Promise<AcquireResult<R>> {
    const now = options.now ?? Date.now();
    for (let round = 1; ; round++) {
      const owner = randomUUID();
      const leaseExpiresAt = now + options.leaseMs;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk: lockPk(key),
              sk: LOCK_SK,
              status: 'in_progress',
              owner,
              leaseExpiresAt,
              tenantId: key.tenantId,
              idempotencyKey: key.idempotencyKey,
              ...(options.fingerprint === undefined ? {} : { fingerprint: options.fingerprint }),
              expiresAt: this.expiresAt(now),
            },
            // TTL deletes expired items only "typically within a few days"
            // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html),
            // so lease expiry is compared here, in the condition, and TTL is only cleanup.
            ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND #lease < :now)',
            ExpressionAttributeNames: { '#status': 'status', '#lease': 'leaseExpiresAt' },
            ExpressionAttributeValues: { ':inProgress': 'in_progress', ':now': now },
          }),
        );
        this.owners.remember(key, owner);
        return { state: 'acquired', owner, leaseExpiresAt };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const existing = await this.read(key);
      // Released or expired between our put and this read: the lock is free again, so race for it anew.
      // Bounded, because under constant churn "in progress" is a truthful answer too.
      const free =
        existing === undefined || (existing.status === 'in_progress' && (existing.leaseExpiresAt ?? 0) < now);
      if (free && round < MAX_ACQUIRE_ROUNDS) continue;
      const fingerprint = existing?.fingerprint === undefined ? {} : { fingerprint: existing.fingerprint };
      if (existing?.status === 'completed') {
        return { state: 'completed', result: existing.result as R, ...fingerprint };
      }
      return { state: 'in_progress', leaseExpiresAt: existing?.leaseExpiresAt ?? now, ...fingerprint };
    }
  }

  async complete(key: DedupeKey, result: R, owner?: string): Promise<boolean> {
    const token = this.owners.resolve(key, owner);
    if (token === undefined) return false;
    return this.guarded(key, token, () =>
      this.doc.send(new UpdateCommand(this.completeUpdate(key, result, token))),
    );
  }

  /** `complete` as an `Update` item of the caller's transaction on the same table (JoinableCompletion). */
  completion(key: DedupeKey, result: R, owner?: string): ReturnType<JoinableCompletion<R>['completion']> {
    const token = this.owners.resolve(key, owner);
    if (token === undefined) return undefined;
    return {
      item: { Update: this.completeUpdate(key, result, token) },
      settle: () => this.owners.forget(key, token), // either way the write settled who owns it
    };
  }

  private completeUpdate(key: DedupeKey, result: R, owner: string) {
    return {
      TableName: this.tableName,
      Key: { pk: lockPk(key), sk: LOCK_SK },
      UpdateExpression: 'SET #status = :completed, #result = :result, expiresAt = :expiresAt REMOVE #lease',
      ConditionExpression: '#status = :inProgress AND #owner = :owner',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#result': 'result',
        '#lease': 'leaseExpiresAt',
        '#owner': 'owner',
      },
      ExpressionAttributeValues: {
        ':completed': 'completed',
        ':inProgress': 'in_progress',
        ':owner': owner,
        ':result': result,
        ':expiresAt': this.expiresAt(Date.now()),
      },
    };
  }

  async release(key: DedupeKey, owner?: string): Promise<boolean> {
    const token = this.owners.resolve(key, owner);
    if (token === undefined) return false;
    return this.guarded(key, token, () =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: lockPk(key), sk: LOCK_SK },
          ConditionExpression: '#status = :inProgress AND #owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':inProgress': 'in_progress', ':owner': token },
        }),
      ),
    );
  }

  /** Runs an owner-conditioned write; a failed condition means the lock is no longer ours. */
  private async guarded(key: DedupeKey, owner: string, write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      this.owners.forget(key, owner);
      return true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      this.owners.forget(key, owner);
      return false;
    }
  }

  private async read(key: DedupeKey): Promise<LockItem<R> | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: lockPk(key), sk: LOCK_SK },
        ConsistentRead: true,
      }),
    );
    return Item as LockItem<R> | undefined;
  }

  private expiresAt(nowMs: number): number {
    return Math.floor(nowMs / 1000) + this.ttlSeconds;
  }
}
