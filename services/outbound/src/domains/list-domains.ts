import { DomainNameSchema, ValidationError } from '@mailroom/core';
import { z } from 'zod';
import type { DomainDeps } from './deps';
import { domainView, type DomainView } from './records';
import { isStale, refreshDomain } from './refresh-domain';

/** `GET /v1/domains` query: the contract's list parameters (docs/contract.md, "Lists"). */
export const ListDomainsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(1024).optional(),
});
export type ListDomainsQuery = z.infer<typeof ListDomainsQuerySchema>;

/**
 * The cursor is opaque to clients: base64url JSON of the last domain of the page. It only positions the
 * query inside the caller's own domains (the tenant comes from the API key), so a forged one reveals
 * nothing.
 */
const encodeCursor = (after: string) => Buffer.from(JSON.stringify({ after })).toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    const parsed = DomainNameSchema.safeParse(after);
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the refusal below
  }
  throw new ValidationError('invalid cursor', {
    details: [{ path: 'cursor', message: 'pass back a nextCursor exactly as received' }],
  });
}

/**
 * `GET /v1/domains`: the tenant's domains in name order. Pending ones not read from SES for
 * `refreshAfterMs` are read again first (at once, a page holds at most 100), so polling the list shows
 * verification without calling SES for every domain on every poll.
 */
export async function listDomains(
  tenantId: string,
  query: ListDomainsQuery,
  deps: DomainDeps,
): Promise<{ items: DomainView[]; nextCursor: string | null }> {
  const now = (deps.now ?? (() => new Date()))();
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
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
    nextCursor: page.last === undefined ? null : encodeCursor(page.last),
  };
}
