import {
  EmailSchema,
  listQuerySchema,
  type CursorScope,
  type InboundFilter,
  type ListPage,
} from '@mailroom/core';
import { z } from 'zod';
import { Instant, sinceBeforeUntil } from '../lists/query';
import type { InboundApiDeps } from './deps';
import { inboundSummary, type InboundSummary } from './view';

/** `GET /v1/inbound` query (docs/contract.md): the list parameters and four filters. */
export const ListInboundQuerySchema = listQuerySchema({
  status: z.enum(['received', 'processed', 'unrouted', 'rejected', 'failed']).optional(),
  /** An envelope recipient, matched exactly, case-insensitively. */
  recipient: z.string().trim().toLowerCase().pipe(EmailSchema).optional(),
  since: Instant.optional(),
  until: Instant.optional(),
});
export type ListInboundQuery = z.infer<typeof ListInboundQuerySchema>;

/**
 * `GET /v1/inbound`: the tenant's received mail, newest first, filtered by status, envelope recipient and
 * arrival (`since`/`until`, inclusive). The cursor is bound to the tenant and to these filters.
 */
export async function listInbound(
  tenantId: string,
  query: ListInboundQuery,
  deps: Pick<InboundApiDeps, 'inbound' | 'cursors'>,
): Promise<ListPage<InboundSummary>> {
  const { limit, cursor, status, recipient, since, until } = query;
  sinceBeforeUntil(since, until);
  const filter: InboundFilter = {
    ...(status !== undefined && { status }),
    ...(recipient !== undefined && { recipient }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
  const scope: CursorScope = {
    list: 'GET /v1/inbound',
    tenantId,
    filters: { status, recipient, since, until },
  };
  const after = cursor === undefined ? undefined : await deps.cursors.open(scope, cursor);
  const page = await deps.inbound.list(tenantId, filter, { limit, ...(after !== undefined && { after }) });
  return {
    items: page.items.map(inboundSummary),
    nextCursor: await deps.cursors.next(scope, page.last),
  };
}
