import { SenderDomainNotVerifiedError, type SendQueueMessage } from '@mailroom/core';
import { lockKeyOf, type SendDeps } from '../send/deps';
import { recordVerdict } from '../send/record';

/**
 * The send side's sender-domain check, for mail that never went through `POST /v1/messages` (put
 * straight on the queue) and mail whose domain was deleted since it was accepted. Runs while the record's
 * dedupe lock is held, so a redelivery of mail already sent is never judged again. An unverified sender
 * is a final verdict: the message is recorded `rejected` with SENDER.DOMAIN_NOT_VERIFIED together with the
 * completed lock (as every verdict is, send/record.ts), so a duplicate delivery is consumed, and the
 * function answers true. When the check itself fails (DynamoDB unreachable), nothing was sent: the lock
 * goes back and the error is retried.
 */
export async function rejectUnverifiedSender(
  held: { message: SendQueueMessage; owner: string },
  deps: SendDeps,
): Promise<boolean> {
  const { message, owner } = held;
  try {
    await deps.checkSender(message.tenantId, message.from);
    return false;
  } catch (err) {
    if (!(err instanceof SenderDomainNotVerifiedError)) {
      await deps.lock.release(lockKeyOf(message), owner);
      throw err;
    }
    const lastError = `${err.code}: ${err.message}`;
    deps.logger.warn('rejected mail from an unverified sender domain', { messageId: message.id, lastError });
    await recordVerdict(deps, held, {
      status: 'rejected',
      lastError,
      event: { type: 'rejected', provider: null, data: { code: err.code, reason: err.message } },
    });
    return true;
  }
}
