import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { SendDeps } from '../services/outbound/src/send-message';
import { createSendDeps } from '../services/outbound/src/wiring';
import { outboundConfigFor, queueMessage, record } from '../services/outbound/test/support/cloud';

export { queueMessage, record };

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A local cloud without services (DynamoDB Local, fauxqs, SES stand-in; tables provisioned from
 * services/outbound/serverless.yml) and the send use case's real deps against it. `delay` only
 * records what the use case asked for: bench records are not on a real queue.
 */
export async function sendBench(overrides: Record<string, string> = {}) {
  const cloud: LocalCloud = await startLocalCloud({ ports: 'auto', services: false });
  const delays: number[] = [];
  const real = await createSendDeps(outboundConfigFor(cloud, overrides));
  const deps: SendDeps = {
    ...real,
    logger: silent,
    delay: async (_handle, seconds) => void delays.push(seconds),
  };
  return { cloud, deps, delays };
}
