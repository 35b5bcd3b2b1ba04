import { ValidationError } from '@mailroom/core';
import { z } from 'zod';
import type { WebhookDeps } from './deps';
import { webhookView, type WebhookView } from './view';

/** `GET /v1/webhooks` query: the contract's list parameters. */
export const ListWebhooksQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(256).optional(),
});
export type ListWebhooksQuery = z.infer<typeof ListWebhooksQuerySchema>;

const encodeCursor = (after: string) => Buffer.from(JSON.stringify({ after })).toString('base64url');

function decodeCursor(cursor: string): string {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string' && after.length > 0) return after;
  } catch {
    // falls through to the refusal below
  }
  throw new ValidationError('invalid cursor', {
    details: [{ path: 'cursor', message: 'pass back a nextCursor exactly as received' }],
  });
}

/** `GET /v1/webhooks`: the tenant's endpoints, oldest first, disabled ones included; never a secret. */
export async function listWebhooks(
  tenantId: string,
  query: ListWebhooksQuery,
  deps: Pick<WebhookDeps, 'endpoints'>,
): Promise<{ items: WebhookView[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const all = (await deps.endpoints.list(tenantId)).filter((e) => after === undefined || e.id > after);
  const page = all.slice(0, query.limit);
  const more = all.length > page.length;
  return { items: page.map(webhookView), nextCursor: more ? encodeCursor(page.at(-1)!.id) : null };
}
