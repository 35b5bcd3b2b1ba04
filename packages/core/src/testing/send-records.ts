import { newId } from '../ids';
import type { SendQueueMessage } from '../schemas/send-mail';

/** A valid send queue body for tenant acme, with a subject unique to the call. */
export function queueMessage(overrides: Partial<SendQueueMessage> = {}): SendQueueMessage {
  const id = newId();
  return {
    version: 1,
    id,
    tenantId: 'acme',
    from: 'app@acme.example',
    to: ['ana@example.com'],
    subject: `test ${id}`,
    text: 'Hello',
    ...overrides,
  };
}

/** An SQS record of the send queue as the send use case reads it (body, receipt handle, receive count). */
export const queueRecord = (message: unknown, receiveCount = 1) => ({
  body: typeof message === 'string' ? message : JSON.stringify(message),
  receiptHandle: `handle-${newId()}`,
  receiveCount,
});
