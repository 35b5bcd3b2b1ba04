import {
  backoffSeconds,
  classifyError,
  ConfigError,
  SendQueueMessageSchema,
  validationDetails,
  type BackoffSecondsOptions,
  type DedupeLock,
  type JoinableCompletion,
  type MessageStore,
  type SendQueueMessage,
  type SuppressionStore,
} from '@mailroom/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { recipientsOf, toOutgoingMail, type AttachmentSource } from './outgoing-mail';
import { chooseProvider } from './provider-choice';
import type { MailProvider, ProviderName } from './providers/port';
import type { SendBudget } from './rate/budget';
import type { TenantSendSettings } from './tenant-settings';

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
  /** A lock that can join the store's transaction saves a round trip per mail (JoinableCompletion). */
  lock: DedupeLock & Partial<JoinableCompletion>;
  providers: Partial<Record<ProviderName, MailProvider>>;
  /** The send budgets of the platform's provider accounts. */
  budgets: Partial<Record<ProviderName, SendBudget>>;
  /** The send budget of a tenant's own provider account (one per account, shared like the platform's). */
  accountBudget(provider: ProviderName, account: string): SendBudget | undefined;
  attachments: AttachmentSource;
  /** Undefined for a tenant that does not exist. */
  tenantSettings(tenantId: string): Promise<TenantSendSettings | undefined>;
  /** Pushes the record's next delivery out (SQS ChangeMessageVisibility). */
  delay(receiptHandle: string, seconds: number): Promise<void>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  settings: {
    defaultProvider: ProviderName;
    /** Longer than the function timeout, so a live worker never loses its lease. */
    leaseMs: number;
    /** The send queue's redrive `maxReceiveCount`: the last delivery before the DLQ. */
    maxReceiveCount: number;
    retry: Pick<BackoffSecondsOptions, 'baseSeconds' | 'capSeconds'>;
  };
}

export type SendOutcome = 'sent' | 'duplicate' | 'rejected' | 'suppressed' | 'failed';

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

function parse(
  body: string,
):
  | { ok: true; message: SendQueueMessage }
  | { ok: false; error: string; ids?: { id: string; tenantId: string } } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: 'body is not JSON' };
  }
  const parsed = SendQueueMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const { id, tenantId } = (json ?? {}) as { id?: unknown; tenantId?: unknown };
  const ids = typeof id === 'string' && typeof tenantId === 'string' ? { id, tenantId } : undefined;
  const error = validationDetails(parsed.error)
    .map((d) => `${d.path}: ${d.message}`)
    .join('; ');
  return { ok: false, error, ids };
}

const newMessageOf = (m: SendQueueMessage, provider: ProviderName) => ({
  id: m.id,
  tenantId: m.tenantId,
  createdAt: new Date().toISOString(),
  from: m.from,
  to: m.to,
  subject: m.subject,
  recipients: recipientsOf(m),
  provider,
  ...(m.idempotencyKey !== undefined && { idempotencyKey: m.idempotencyKey }),
  ...(m.tags !== undefined && { tags: m.tags }),
  ...(m.metadata !== undefined && { metadata: m.metadata }),
});

/**
 * Sends one queued mail at most once per lock: validate, suppression check, dedupe lock,
 * rate budget, provider, record. Resolves when the record can be deleted from the queue;
 * throws `RetryLaterError` (visibility already pushed out) or an unexpected error when it
 * must come back.
 */
export async function sendMessage(record: SendRecord, deps: SendDeps): Promise<SendOutcome> {
  const { messages, lock, logger, settings } = deps;
  const parsed = parse(record.body);
  if (!parsed.ok) {
    // A poison message is consumed, never looped; when it names a message, that message says why.
    logger.warn('rejected an invalid send record', { error: parsed.error, ids: parsed.ids });
    if (parsed.ids && (await messages.get(parsed.ids.id))?.tenantId === parsed.ids.tenantId) {
      await messages.transition(parsed.ids.id, parsed.ids.tenantId, {
        status: 'rejected',
        lastError: parsed.error,
        event: { type: 'rejected', provider: null, data: { reason: parsed.error } },
      });
    }
    return 'rejected';
  }
  const message = parsed.message;
  const tenant = await deps.tenantSettings(message.tenantId);
  if (!tenant) {
    // Nothing can be recorded for a tenant that does not exist; the record is consumed.
    logger.warn('rejected a send record for an unknown tenant', {
      tenantId: message.tenantId,
      id: message.id,
    });
    return 'rejected';
  }
  const providerName = chooseProvider(message.provider, tenant.provider, settings.defaultProvider);
  const lockKey = { tenantId: message.tenantId, idempotencyKey: message.idempotencyKey ?? message.id };
  const recipients = recipientsOf(message);
  // Three independent round trips at once: record the message if it came straight from the queue,
  // take the lock, read the suppression list. The suppression verdict is acted on only under the lock,
  // so a late suppression never overwrites a mail already sent.
  const [ensured, claimed, suppression] = await Promise.allSettled([
    messages.ensure(newMessageOf(message, providerName)),
    lock.acquire(lockKey, { leaseMs: settings.leaseMs }),
    deps.suppressions.suppressed(message.tenantId, recipients),
  ]);
  if (claimed.status === 'rejected') throw claimed.reason;
  const claim = claimed.value;
  if (ensured.status === 'rejected' || suppression.status === 'rejected') {
    // Nothing was sent: give the lock back so the redelivery need not wait for the lease.
    if (claim.state === 'acquired') await lock.release(lockKey, claim.owner);
    throw ensured.status === 'rejected' ? ensured.reason : (suppression as PromiseRejectedResult).reason;
  }
  if (claim.state === 'completed') {
    logger.info('already sent; consuming the duplicate delivery', { messageId: message.id });
    return 'duplicate';
  }
  if (claim.state === 'in_progress') {
    // Another worker holds the lease (a duplicate delivery running right now): look again when it ends.
    const seconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - Date.now()) / 1000));
    await deps.delay(record.receiptHandle, seconds);
    throw new RetryLaterError(seconds);
  }

  const suppressed = suppression.value;
  if (recipients.every((r) => suppressed.has(r.toLowerCase()))) {
    await lock.release(lockKey, claim.owner);
    const reason = 'every recipient is on the suppression list';
    await messages.transition(message.id, message.tenantId, {
      status: 'suppressed',
      lastError: reason,
      event: { type: 'suppressed', provider: null, data: { reason, recipients: [...suppressed] } },
    });
    return 'suppressed';
  }

  const provider = deps.providers[providerName];
  let providerMessageId: string;
  try {
    await messages.transition(message.id, message.tenantId, {
      status: 'sending',
      provider: providerName,
      countAttempt: true,
      event: { type: 'sending', provider: providerName, data: { attempt: record.receiveCount } },
    });
    if (!provider) throw new ConfigError(`provider ${providerName} is not configured`);
    const credentials = await tenant.credentials(providerName);
    const mail = await toOutgoingMail(message, suppressed, deps.attachments);
    if (suppressed.size) {
      await messages.appendEvent(message.id, {
        type: 'suppressed_recipients',
        provider: null,
        data: { recipients: [...suppressed] },
      });
    }
    const budget = credentials
      ? deps.accountBudget(providerName, credentials.account)
      : deps.budgets[providerName];
    await budget?.take();
    ({ providerMessageId } = await provider.send(mail, credentials));
  } catch (err) {
    return await handleFailure(err, { message, providerName, lockKey, owner: claim.owner, record, deps });
  }
  // The provider has the mail: from here on nothing releases the lock. Should recording fail (or the
  // process die), the record comes back, waits out the lease and sends once more — at most one
  // duplicate, never a loss (README "How a mail is sent exactly once").
  await recordSent(deps, { message, providerName, providerMessageId, lockKey, owner: claim.owner });
  return 'sent';
}

/** Completes the lock and records `sent` — in one transaction when the lock can join one. */
async function recordSent(
  { messages, lock, logger }: SendDeps,
  ctx: {
    message: SendQueueMessage;
    providerName: ProviderName;
    providerMessageId: string;
    lockKey: { tenantId: string; idempotencyKey: string };
    owner: string;
  },
): Promise<void> {
  const { message, providerName, providerMessageId, lockKey, owner } = ctx;
  const sent = {
    status: 'sent',
    provider: providerName,
    providerMessageId,
    lastError: null,
    event: { type: 'sent', provider: providerName, data: { providerMessageId } },
  } as const;
  const result = { provider: providerName, providerMessageId };
  const joint = lock.completion?.(lockKey, result, owner);
  let completed: boolean;
  if (joint) {
    completed = await messages.transition(message.id, message.tenantId, sent, [joint.item]);
    joint.settle(completed);
  } else {
    completed = await lock.complete(lockKey, result, owner);
  }
  // Not completed: our lease was taken over mid-send. The send still happened, so record it anyway.
  if (!completed) {
    logger.warn('lease lost before completing the lock', { messageId: message.id, providerMessageId });
    await messages.transition(message.id, message.tenantId, sent);
  } else if (!joint) {
    await messages.transition(message.id, message.tenantId, sent);
  }
}

async function handleFailure(
  err: unknown,
  ctx: {
    message: SendQueueMessage;
    providerName: ProviderName;
    lockKey: { tenantId: string; idempotencyKey: string };
    owner: string;
    record: SendRecord;
    deps: SendDeps;
  },
): Promise<SendOutcome> {
  const { message, providerName, lockKey, owner, record, deps } = ctx;
  const verdict = classifyError(err);
  const lastError = `${verdict.reason}: ${(err as Error).message ?? String(err)}`.slice(0, 1000);
  // Nothing was sent: let the next attempt (or a manual retry) take the lock.
  await deps.lock.release(lockKey, owner);
  const exhausted = record.receiveCount >= deps.settings.maxReceiveCount;
  if (!verdict.retryable || exhausted) {
    deps.logger.warn('send failed', { messageId: message.id, lastError, retryable: verdict.retryable });
    await deps.messages.transition(message.id, message.tenantId, {
      status: 'failed',
      provider: providerName,
      lastError,
      event: {
        type: 'failed',
        provider: providerName,
        data: { error: lastError, retryable: verdict.retryable },
      },
    });
    // Exhausted retries go back to the queue at once, so its next receive parks the record in the DLQ.
    if (verdict.retryable) {
      await deps.delay(record.receiptHandle, 0);
      throw new RetryLaterError(0, { cause: err });
    }
    return 'failed';
  }
  const seconds = backoffSeconds(record.receiveCount - 1, deps.settings.retry);
  await deps.messages.transition(message.id, message.tenantId, {
    status: 'queued',
    provider: providerName,
    lastError,
    event: {
      type: 'retry_scheduled',
      provider: providerName,
      data: { error: lastError, delaySeconds: seconds },
    },
  });
  await deps.delay(record.receiptHandle, seconds);
  throw new RetryLaterError(seconds, { cause: err });
}
