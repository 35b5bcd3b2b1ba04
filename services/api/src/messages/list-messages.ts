import {
  EmailSchema,
  listQuerySchema,
  MESSAGE_STATUSES,
  type CursorScope,
  type ListPage,
  type MessageFilter,
} from '@mailroom/core';
import { z } from 'zod';
import { Instant, sinceBeforeUntil } from '../lists/query';
import type { MessagesApiDeps } from './deps';
import { messageView, type MessageView } from './view';

/** `GET /v1/messages` query (docs/contract.md): the list parameters and four filters. */
export const ListMessagesQuerySchema = listQuerySchema({
  status: z.enum(MESSAGE_STATUSES).optional(),
  /** A to, cc or bcc address, matched exactly, case-insensitively. */
  recipient: z.string().trim().toLowerCase().pipe(EmailSchema).optional(),
  since: Instant.optional(),
  until: Instant.optional(),
});
export type ListMessagesQuery = z.infer<typeof ListMessagesQuerySchema>;

/**
 * `GET /v1/messages`: the tenant's sent mail, newest first by creation, filtered by status, recipient and
 * creation time (`since`/`until`, inclusive). The cursor is bound to the tenant and to these filters.
 */
export async function listMessages(
  tenantId: string,
  query: ListMessagesQuery,
  deps: Pick<MessagesApiDeps, 'messages' | 'cursors'>,
): Promise<ListPage<MessageView>> {
  const { limit, cursor, status, recipient, since, until } = query;
  sinceBeforeUntil(since, until);
  const filter: MessageFilter = {
    ...(status !== undefined && { status }),
    ...(recipient !== undefined && { recipient }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
  const scope: CursorScope = {
    list: 'GET /v1/messages',
    tenantId,
    filters: { status, recipient, since, until },
  };
  const after = cursor === undefined ? undefined : await deps.cursors.open(scope, cursor);
  const page = await deps.messages.list(tenantId, filter, { limit, ...(after !== undefined && { after }) });
  return {
    items: page.items.map(messageView),
    nextCursor: await deps.cursors.next(scope, page.last),
  };
}
