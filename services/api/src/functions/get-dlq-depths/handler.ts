import { dlqDepths } from '../../ops/dlq';
import { opsDeps, route } from '../../wiring';

/** GET /v1/ops/dlq — scope `admin`, the operator tenant only (docs/ops.md). */
export const handler = route({ scope: 'admin' }, async ({ principal }) => ({
  status: 200,
  body: await dlqDepths(principal, await opsDeps()),
}));
