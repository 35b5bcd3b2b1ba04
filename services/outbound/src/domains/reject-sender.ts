import type { Logger } from '@aws-lambda-powertools/logger';
import {
  SenderDomainNotVerifiedError,
  type DedupeKey,
  type DedupeLock,
  type MessageStore,
  type SendQueueMessage,
} from '@mailroom/core';
import type { SenderCheck } from './sender-check';

export interface SenderRejectionDeps {
  checkSender: SenderCheck;
  lock: Pick<DedupeLock, 'release'>;
  messages: Pick<MessageStore, 'transition'>;
  logger: Pick<Logger, 'warn'>;
}

/**
 * The send side's sender-domain check, for mail that never went through `POST /v1/messages` (put
 * straight on the queue) and mail whose domain was deleted since it was accepted. Runs while the record's
 * dedupe lock is held, so a redelivery of mail already sent is never judged again. An unverified sender
 * records the message `rejected` with SENDER.DOMAIN_NOT_VERIFIED and answers true: the record is consumed,
 * as no retry can help. Nothing was sent, so the lock goes back in every case.
 */
export async function rejectUnverifiedSender(
  message: SendQueueMessage,
  lockKey: DedupeKey,
  owner: string,
  deps: SenderRejectionDeps,
): Promise<boolean> {
  try {
    await deps.checkSender(message.tenantId, message.from);
    return false;
  } catch (err) {
    await deps.lock.release(lockKey, owner);
    if (!(err instanceof SenderDomainNotVerifiedError)) throw err;
    const lastError = `${err.code}: ${err.message}`;
    deps.logger.warn('rejected mail from an unverified sender domain', { messageId: message.id, lastError });
    await deps.messages.transition(message.id, message.tenantId, {
      status: 'rejected',
      lastError,
      event: { type: 'rejected', provider: null, data: { code: err.code, reason: err.message } },
    });
    return true;
  }
}
