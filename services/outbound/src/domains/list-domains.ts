import {
  ListDomainsQuerySchema,
  type CursorScope,
  type ListDomainsQuery,
  type ListPage,
} from '@mailroom/core';
import type { ListDomainDeps } from './deps';
import { domainView, type DomainView } from './records';
import { isStale, refreshDomain } from './refresh-domain';

// The query schema lives in core: the api service's OpenAPI document is built from it too.
export { ListDomainsQuerySchema };

/**
 * `GET /v1/domains`: the tenant's domains in name order. Pending ones not read from SES for
 * `refreshAfterMs` are read again first (at once, a page holds at most 100), so polling the list shows
 * verification without calling SES for every domain on every poll. The cursor is signed and bound to
 * the tenant and this listing (core's Cursors).
 */
export async function listDomains(
  tenantId: string,
  query: ListDomainsQuery,
  deps: ListDomainDeps,
): Promise<ListPage<DomainView>> {
  const now = (deps.now ?? (() => new Date()))();
  const scope: CursorScope = { list: 'GET /v1/domains', tenantId, filters: {} };
  const after = query.cursor === undefined ? undefined : await deps.cursors.open(scope, query.cursor);
  const page = await deps.domains.list(tenantId, { limit: query.limit, ...(after && { after }) });
  const items = await Promise.all(
    page.items.map((record) =>
      record.status === 'pending' && isStale(record, deps.refreshAfterMs, now)
        ? refreshDomain(record, deps)
        : record,
    ),
  );
  return {
    items: items.map((record) => domainView(record, deps.region)),
    nextCursor: await deps.cursors.next(scope, page.last),
  };
}
