import { parseOrThrow } from '@mailroom/core';
import { jsonBody } from '@mailroom/core/http';
import { redriveDlq, RedriveBodySchema, requireOperator, type RedriveBody } from '../../ops/dlq';
import { logger, opsDeps, route } from '../../wiring';

/** Well inside the function's 29 s timeout: a batch started before it ends in time. */
const TIME_BUDGET_MS = 20_000;

/** POST /v1/ops/dlq/{queue}/redrive — scope `admin`, the operator tenant only (docs/ops.md). */
export const handler = route({ scope: 'admin' }, async ({ principal, path, event }) => {
  const deps = await opsDeps();
  // Another tenant learns nothing, not even what is wrong with its body.
  requireOperator(principal, deps.operatorTenant);
  const queue = path('queue');
  // The body is optional: none, or `{"max": N}`.
  const body: RedriveBody = event.body
    ? parseOrThrow(RedriveBodySchema, jsonBody(event, 1024), 'invalid redrive request')
    : {};
  const started = Date.now();
  const { answer, error } = await redriveDlq(
    principal,
    queue,
    body,
    deps,
    () => Date.now() - started > TIME_BUDGET_MS,
  );
  const { movedIds: _m, skippedIds: _s, ...counts } = answer;
  logger[error === undefined ? 'info' : 'warn']('dlq redrive', {
    tenantId: principal.tenantId,
    keyId: principal.keyId,
    ...counts,
    ...(error !== undefined && { error }),
  });
  return { status: 200, body: answer };
});
