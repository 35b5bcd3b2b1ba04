import { ConflictError, NotFoundError } from '@mailroom/core';
import type { InboundApiDeps } from './deps';

/**
 * `POST /v1/inbound/{id}/retry`: mail whose processing `failed` is moved back to `received` (a conditional
 * write, so of two concurrent retries one wins and the other is a 409) and a retry order
 * `{"type": "mailroom.inbound.retry", "id"}` goes on the inbound queue — what the `retry-failed` schedule
 * does — and the `process` function processes it again from its raw MIME. Any other status is a 409:
 * `processed` and `rejected` are final, `received` is being processed. Unrouted mail belongs to no tenant,
 * so no tenant can see it or retry it (404). A manual retry is not bounded by the schedule's attempt budget.
 */
export async function retryInbound(
  tenantId: string,
  id: string,
  deps: Pick<InboundApiDeps, 'inbound' | 'requeue'>,
): Promise<{ id: string; status: 'received' }> {
  const record = await deps.inbound.get(tenantId, id);
  if (!record) throw new NotFoundError(`no inbound mail ${id}`);
  const conflict = (status: string) =>
    new ConflictError(`inbound mail ${id} is ${status}; only failed mail can be retried`);
  if (record.status !== 'failed') throw conflict(record.status);
  if (!(await deps.inbound.update(id, { status: 'received' }, ['failed'])))
    throw conflict('no longer failed');
  try {
    await deps.requeue({ type: 'mailroom.inbound.retry', id });
  } catch (err) {
    // Failed it stays: the tenant (or the schedule) can try again.
    await deps.inbound.update(id, { status: 'failed' }, ['received']);
    throw err;
  }
  return { id, status: 'received' };
}
