/** The endpoints and the environment that connect services and clients to one running local cloud. */
import { LOCAL_REGION } from './env';
import { PARTS, type Endpoints, type Ports } from './parts';
import type { RunInfo } from './parts/part';
import { PORT_NAMES, portEnvName } from './ports';

/** Every part's endpoints, from the ports (all known before anything starts). */
export function endpointsFor(ports: Ports): Endpoints {
  return Object.assign({}, ...PARTS.map((part) => part.endpoints?.(ports) ?? {})) as Endpoints;
}

/**
 * What a service or client needs to talk to this cloud: every part's contribution, every port
 * under its env name, and the stage, region and credentials every AWS client reads.
 * MAILROOM_PROVIDER is the user's choice, kept (docs/contract.md, "Provider settings").
 */
export function cloudEnv(ports: Ports, run: RunInfo): Record<string, string> {
  const endpoints = endpointsFor(ports);
  const env: Record<string, string> = {
    MAILROOM_STAGE: 'local',
    MAILROOM_PROVIDER: run.base.MAILROOM_PROVIDER || 'ses',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: LOCAL_REGION,
  };
  for (const part of PARTS) Object.assign(env, part.env?.(endpoints, run));
  for (const name of PORT_NAMES) env[portEnvName(name)] = String(ports[name]);
  return env;
}
