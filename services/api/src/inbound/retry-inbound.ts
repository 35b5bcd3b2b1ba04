import { ConflictError, NotFoundError } from '@mailroom/core';
import type { InboundApiDeps } from './deps';

/**
 * `POST /v1/inbound/{id}/retry`: mail whose processing `failed` goes back on the inbound queue as
 * `{"kind": "retry", "id"}`, and the `process` function processes it again from its raw object (the same
 * message the retry schedule sends). Any other status is a 409: `processed` and `rejected` are final,
 * `received` is still being processed. Unrouted mail belongs to no tenant, so no tenant can see it or
 * retry it (404).
 *
 * The status is not changed here: two retries of one mail put two messages on the queue, and the `process`
 * function's conditional move out of `failed` lets only one of them do the work.
 */
export async function retryInbound(
  tenantId: string,
  id: string,
  deps: Pick<InboundApiDeps, 'inbound' | 'requeue'>,
): Promise<{ id: string; status: 'failed'; retry: 'queued' }> {
  const record = await deps.inbound.get(tenantId, id);
  if (!record) throw new NotFoundError(`no inbound mail ${id}`);
  if (record.status !== 'failed') {
    throw new ConflictError(`inbound mail ${id} is ${record.status}; only failed mail can be retried`);
  }
  await deps.requeue({ kind: 'retry', id });
  return { id, status: 'failed', retry: 'queued' };
}
