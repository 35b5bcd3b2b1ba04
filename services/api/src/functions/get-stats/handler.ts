import { parseOrThrow } from '@mailroom/core';
import { getStats, StatsQuerySchema } from '../../get-stats';
import { apiDeps, route } from '../../wiring';

/** GET /v1/stats */
export const handler = route({ scope: 'read' }, async ({ principal, event }) => {
  const query = parseOrThrow(StatsQuerySchema, event.queryStringParameters ?? {}, 'invalid query');
  const deps = await apiDeps();
  return { status: 200, body: await getStats(principal.tenantId, query, deps) };
});
