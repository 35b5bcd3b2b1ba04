import type { Logger } from '@aws-lambda-powertools/logger';
import type {
  BackoffSecondsOptions,
  DedupeLock,
  JoinableCompletion,
  MessageStore,
  RequestStore,
  SuppressionStore,
} from '@mailroom/core';
import type { SenderCheck } from '../domains/sender-check';
import type { BufferSource } from '../buffer-pool';
import type { AttachmentSource } from '../outgoing-mail';
import type { MailProvider, ProviderName } from '../providers/port';
import type { SendBudget } from '../rate/budget';
import type { SendShareDeps } from '../rate/tenant-share';
import type { TenantSendSettings } from '../tenant-settings';
import type { ByteBudget } from './byte-budget';

/** One SQS record as the send use case needs it. */
export interface SendRecord {
  body: string;
  receiptHandle: string;
  /** SQS `ApproximateReceiveCount`: 1 on the first delivery. */
  receiveCount: number;
}

export interface SendDeps {
  messages: MessageStore;
  suppressions: SuppressionStore;
  /** Full requests (S3), written here for records that came straight onto the queue. */
  requests: Pick<RequestStore, 'put'>;
  /** A lock that can join the store's transaction saves a round trip per mail (JoinableCompletion). */
  lock: DedupeLock & Partial<JoinableCompletion>;
  providers: Partial<Record<ProviderName, MailProvider>>;
  /** The send budgets of the platform's provider accounts. */
  budgets: Partial<Record<ProviderName, SendBudget>>;
  /** The send budget of a tenant's own provider account (one per account, shared like the platform's). */
  accountBudget(provider: ProviderName, account: string): SendBudget | undefined;
  attachments: AttachmentSource;
  /** The container's bound on attachment memory in flight (send/byte-budget.ts); none when undefined. */
  bytesInFlight?: ByteBudget;
  /** Where the attachments' buffers go back once their mail's provider call is over (buffer-pool.ts). */
  buffers?: BufferSource;
  /** Undefined for a tenant that does not exist. */
  tenantSettings(tenantId: string): Promise<TenantSendSettings | undefined>;
  /** The `from` domain (or a parent) must be a verified domain of the tenant (domains/sender-check.ts). */
  checkSender: SenderCheck;
  /** Each tenant's share of the account budget (rate/tenant-share.ts); absent: no shares. */
  tenantShare?: SendShareDeps;
  /** Pushes the record's next delivery out (SQS ChangeMessageVisibility). */
  delay(receiptHandle: string, seconds: number): Promise<void>;
  /** Puts a copy of a record on the send queue, delivered after `delaySeconds` (send/budget-wait.ts). */
  requeue(body: string, delaySeconds: number): Promise<void>;
  /** Puts a record on the send DLQ (a copy past its attempts, send/budget-wait.ts). */
  deadLetter(body: string): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Counts an event for an alarm (CloudWatch EMF in the wiring), e.g. `ProviderAccountFaults`. */
  count(metric: string): void;
  /** Waits between attempts at a write that must not be lost (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds (tests pass a clock they control). */
  now?: () => number;
  settings: {
    defaultProvider: ProviderName;
    /** Longer than the function timeout, so a live worker never loses its lease. */
    leaseMs: number;
    /** The send queue's redrive `maxReceiveCount`: the last delivery before the DLQ. */
    maxReceiveCount: number;
    retry: Pick<BackoffSecondsOptions, 'baseSeconds' | 'capSeconds'>;
    /** The long backoff of account-level faults (send/failure.ts). */
    accountRetry: Pick<BackoffSecondsOptions, 'baseSeconds' | 'capSeconds'>;
    /** How long the function keeps trying to record a send the provider accepted (send/record.ts). */
    recordRetryMs: number;
  };
}

/**
 * `duplicate`: consumed without an attempt, because the mail already has its verdict or belongs to another.
 * `deferred`: consumed without an attempt, a copy waiting on the queue for its tenant's share.
 * `waiting`: consumed without an attempt, a delayed copy put back to wait for the send budget.
 */
export type SendOutcome =
  'sent' | 'duplicate' | 'rejected' | 'suppressed' | 'failed' | 'deferred' | 'waiting';

/** Thrown after the record's visibility was pushed out: report it as a batch item failure. */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  constructor(
    readonly delaySeconds: number,
    options?: ErrorOptions,
  ) {
    super(`retry in ${delaySeconds}s`, options);
  }
}

export const nowOf = (deps: Pick<SendDeps, 'now'>): number => (deps.now ?? Date.now)();
export const sleepOf = (deps: Pick<SendDeps, 'sleep'>) =>
  deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

/**
 * The dedupe lock is taken on the message id, never on the idempotency key: an idempotency key binds
 * for 48 hours and is then free for a new message with a new id, while a lock lives as long as any record
 * of its message can still arrive. Keying the lock by the idempotency key made a key reused on day 3 find
 * the first mail's `completed` lock and never send. Keys map to ids once, at accept (or in claim.ts for a
 * record put straight on the queue).
 */
export const lockKeyOf = (message: { tenantId: string; id: string; retryId?: string }) => ({
  tenantId: message.tenantId,
  // A retry is a fresh attempt with a lock of its own: the earlier attempt's lock stays completed (or
  // released), so its queue copies still cannot send (docs/message-retry.md).
  idempotencyKey: message.retryId === undefined ? message.id : `${message.id}#retry#${message.retryId}`,
});
