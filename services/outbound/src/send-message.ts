import { ConfigError, type SendQueueMessage } from '@mailroom/core';
import { recipientsOf, toOutgoingMail } from './outgoing-mail';
import { claimMessage, rejectConflict, rejectUnknownTenant } from './send/claim';
import {
  lockKeyOf,
  nowOf,
  RetryLaterError,
  sleepOf,
  type SendDeps,
  type SendOutcome,
  type SendRecord,
} from './send/deps';
import { rejectUnverifiedSender } from './domains/reject-sender';
import { chooseProvider } from './provider-choice';
import { holdBytes, noBytes } from './send/byte-budget';
import { handleFailure } from './send/failure';
import { deferOverShare, GIVE_WAY_MS } from './rate/tenant-share';
import { unwrapCopyFields } from './send/queue-copy';
import type { OutgoingMail, ProviderCredentials, ProviderName } from './providers/port';
import { SendBudgetExhaustedError, type ReserveOptions, type SendSlot } from './rate/budget';
import { parkInDeadLetterQueue, waitForBudget } from './send/budget-wait';
import type { TenantSendSettings } from './tenant-settings';
import { parseRecord, rejectInvalid } from './send/parse';
import { callProvider } from './send/provider-call';
import { recordSent, recordVerdict } from './send/record';

export { RetryLaterError };
export type { SendDeps, SendOutcome, SendRecord };

/**
 * Sends one queued mail at most once per message: validate, record (claim.ts), lock, suppression check,
 * rate budget, provider, record the verdict. Resolves when the record can be deleted from the queue;
 * throws `RetryLaterError` (visibility already pushed out) or an unexpected error when it must come back.
 * README "How a mail is sent exactly once" says what holds and where a duplicate can come from.
 */
export async function sendMessage(queued: SendRecord, deps: SendDeps): Promise<SendOutcome> {
  const { lock, logger, settings } = deps;
  const parsed = parseRecord(queued.body);
  if (!parsed.ok) return rejectInvalid(parsed, deps);
  // Without the fields Mailroom puts on a copy that waited on the queue (for its tenant's share or the
  // send budget); its receives counted with its earlier copies' attempts (`attemptsUsed`).
  const { message, record } = unwrapCopyFields(parsed.message, queued);
  // SQS counts only this copy's receives: one past the attempts the queue allows goes to the DLQ here.
  if (record.receiveCount > settings.maxReceiveCount) return parkInDeadLetterQueue(queued, deps);
  const tenant = await deps.tenantSettings(message.tenantId);
  if (!tenant) return rejectUnknownTenant(message, deps);
  const providerName = chooseProvider(message.provider, tenant.provider, settings.defaultProvider);
  // Over its tenant's share: a copy waits on the queue (rate/tenant-share.ts), this record is consumed.
  const share = { tenant: { tenantId: message.tenantId, ...tenant }, provider: providerName };
  const now = nowOf(deps);
  const shared = await deferOverShare(
    { ...share, message: parsed.message, receiveCount: record.receiveCount, now },
    deps.tenantShare,
  );
  if (shared.deferred) return 'deferred';
  if (shared.waitMs > 0) await sleepOf(deps)(shared.waitMs);
  const lockKey = lockKeyOf(message);
  const recipients = recipientsOf(message);
  // Three independent round trips at once: record the message if it came straight from the queue,
  // take the lock, read the suppression list. The suppression verdict is acted on only under the lock,
  // so a late suppression never overwrites a mail already sent.
  const [claimed, locked, suppression] = await Promise.allSettled([
    claimMessage(message, providerName, deps),
    lock.acquire(lockKey, { leaseMs: settings.leaseMs, now: nowOf(deps) }),
    deps.suppressions.suppressed(message.tenantId, recipients),
  ]);
  if (locked.status === 'rejected') throw locked.reason;
  const claim = locked.value;
  if (claimed.status === 'rejected' || suppression.status === 'rejected' || claimed.value.kind !== 'own') {
    // Nothing was sent: give the lock back so the redelivery need not wait for the lease.
    if (claim.state === 'acquired') await lock.release(lockKey, claim.owner);
    if (claimed.status === 'rejected') throw claimed.reason;
    if (suppression.status === 'rejected') throw suppression.reason;
    const other = claimed.value;
    if (other.kind === 'conflict') return rejectConflict(message, other.of, deps);
    if (other.kind === 'stale') {
      logger.info('a retry replaced this attempt; consuming its copy', {
        messageId: message.id,
        retryId: message.retryId,
        current: other.current,
      });
      return 'duplicate';
    }
    logger.info('another message holds this idempotency key; consuming the record', {
      messageId: message.id,
      ...other,
    });
    return 'duplicate';
  }
  if (claim.state === 'completed') {
    logger.info('the mail already has its verdict; consuming the duplicate delivery', {
      messageId: message.id,
      result: claim.result,
    });
    return 'duplicate';
  }
  if (claim.state === 'in_progress') {
    // Another worker holds the lease (a duplicate delivery running right now): look again when it ends.
    const seconds = Math.max(1, Math.ceil((claim.leaseExpiresAt - nowOf(deps)) / 1000));
    await deps.delay(record.receiptHandle, seconds);
    throw new RetryLaterError(seconds);
  }
  const held = { message, owner: claim.owner };
  if (await rejectUnverifiedSender(held, deps)) return 'rejected';

  const suppressed = suppression.value;
  if (recipients.every((r) => suppressed.has(r.toLowerCase()))) {
    const reason = 'every recipient is on the suppression list';
    await recordVerdict(deps, held, {
      status: 'suppressed',
      lastError: reason,
      event: { type: 'suppressed', provider: null, data: { reason, recipients: [...suppressed] } },
    });
    return 'suppressed';
  }

  const provider = deps.providers[providerName];
  // The budget is asked before the attempt is counted: a record that finds none waits on the queue, and
  // that wait is no attempt (send/budget-wait.ts). The slot is reserved now and waited for just before the
  // provider call, so the work in between overlaps the wait.
  const ready = await reserveSend(
    message,
    providerName,
    tenant,
    recipients.filter((r) => !suppressed.has(r.toLowerCase())).length,
    deps,
    // A tenant with a backlog gives way to others' mail at the account budget (rate/budget.ts).
    shared.backlogged ? { yieldUntil: nowOf(deps) + GIVE_WAY_MS } : {},
  ).then(
    (value) => ({ ok: true as const, ...value }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (!ready.ok && ready.err instanceof SendBudgetExhaustedError)
    return await waitForBudget(ready.err, { message, owner: claim.owner, record, providerName }, deps);
  let providerMessageId: string;
  let releaseBytes = noBytes;
  let mail: OutgoingMail | undefined;
  // The provider call is over, however it ended: its bound, and the attachments' buffers (their base64
  // was copied into the request body), go to the mails behind it.
  const release = () => {
    releaseBytes();
    for (const a of mail?.attachments ?? []) deps.buffers?.give(a.content);
    mail = undefined;
  };
  try {
    await deps.messages.transition(message.id, message.tenantId, {
      status: 'sending',
      provider: providerName,
      countAttempt: true,
      event: { type: 'sending', provider: providerName, data: { attempt: record.receiveCount } },
    });
    if (!ready.ok) throw ready.err;
    if (!provider) throw new ConfigError(`provider ${providerName} is not configured`);
    // The attachments stay in memory until the provider answers: big mails wait their turn.
    releaseBytes = await holdBytes(deps, message);
    mail = await toOutgoingMail(message, suppressed, deps.attachments);
    if (suppressed.size) {
      await deps.messages.appendEvent(message.id, {
        type: 'suppressed_recipients',
        provider: null,
        data: { recipients: [...suppressed] },
      });
    }
    const slot = ready.slot;
    await slot?.wait();
    ({ providerMessageId } = await callProvider(provider, mail, ready.credentials, {
      ...(slot && { leaving: () => slot.leaving() }),
    }));
  } catch (err) {
    release();
    const failure = {
      message,
      providerName,
      owner: claim.owner,
      leaseExpiresAt: claim.leaseExpiresAt,
      record,
    };
    return await handleFailure(err, failure, deps);
  }
  release();
  // The provider has the mail: from here on nothing releases the lock (send/record.ts).
  await recordSent(deps, { ...held, provider: providerName, providerMessageId });
  return 'sent';
}

/**
 * The credentials and the reserved budget slot for one send. SES counts each recipient against its
 * quotas, SendGrid each request (docs/architecture.md "Rate"); `recipients` excludes suppressed ones,
 * which the mail leaves out.
 */
async function reserveSend(
  message: SendQueueMessage,
  providerName: ProviderName,
  tenant: TenantSendSettings,
  recipients: number,
  deps: SendDeps,
  options: ReserveOptions,
): Promise<{ credentials: ProviderCredentials | undefined; slot: SendSlot | undefined }> {
  const credentials = await tenant.credentials(providerName);
  const budget = credentials
    ? deps.accountBudget(providerName, credentials.account)
    : deps.budgets[providerName];
  const units = providerName === 'ses' ? Math.max(1, recipients) : 1;
  return { credentials, slot: await budget?.reserve(units, options) };
}
