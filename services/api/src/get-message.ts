import { NotFoundError, type MessageStore } from '@mailroom/core';
import { messageView } from './messages/view';

/**
 * `GET /v1/messages/{id}` in the contract's shape. Another tenant's message is a 404, exactly
 * like an absent one, so ids reveal nothing across tenants.
 */
export async function getMessage(
  tenantId: string,
  id: string,
  messages: Pick<MessageStore, 'getWithEvents'>,
) {
  const found = await messages.getWithEvents(id);
  if (!found || found.message.tenantId !== tenantId) throw new NotFoundError(`no message ${id}`);
  const { message, events } = found;
  return {
    ...messageView(message),
    events: events.map(({ type, at, provider, data }) => ({ type, at, provider, data })),
  };
}
