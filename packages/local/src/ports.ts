/**
 * The local cloud's ports: the CONTRACT.md defaults, each overridable by its env name, or all
 * free ones (`'auto'`, for tests running side by side).
 */
import { createServer, type Server } from 'node:net';

export const SERVICE_NAMES = ['outbound', 'inbound', 'events', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface Ports {
  api: number;
  outbound: number;
  events: number;
  inbound: number;
  smtp: number;
  ses: number;
  sendgrid: number;
  ssm: number;
  aws: number;
  dynamodb: number;
  apiLambda: number;
  outboundLambda: number;
  eventsLambda: number;
  inboundLambda: number;
  apiWs: number;
  outboundWs: number;
  eventsWs: number;
  inboundWs: number;
}
export type PortName = keyof Ports;

export const DEFAULT_PORTS: Ports = {
  api: 3000,
  outbound: 3001,
  events: 3002,
  // Inbound has no contract port (its work is queue-driven); it still serves GET /health.
  inbound: 3003,
  smtp: 2525,
  ses: 8005,
  sendgrid: 8006,
  // No contract port: Parameter Store holds tenants' provider secrets (LocalStack's old SSM port).
  ssm: 4583,
  aws: 4566,
  dynamodb: 8000,
  apiLambda: 3100,
  outboundLambda: 3101,
  eventsLambda: 3102,
  inboundLambda: 3103,
  apiWs: 3200,
  outboundWs: 3201,
  eventsWs: 3202,
  inboundWs: 3203,
};

/** `apiLambda` → `MAILROOM_API_LAMBDA_PORT`; the names the serverless.yml files read. */
export function portEnvName(name: PortName): string {
  const snake = name.replace(/(Lambda|Ws)$/, (m) => `_${m}`).toUpperCase();
  return `MAILROOM_${snake}_PORT`;
}

export const PORT_NAMES = Object.keys(DEFAULT_PORTS) as PortName[];

export class PortError extends Error {
  override readonly name = 'PortError';
}

/** Defaults, overridden by env, overridden by `overrides`. */
export function portsFromEnv(env: NodeJS.ProcessEnv, overrides: Partial<Ports> = {}): Ports {
  const ports = { ...DEFAULT_PORTS };
  for (const name of PORT_NAMES) {
    const raw = env[portEnvName(name)];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PortError(`${portEnvName(name)}=${raw} is not a port number`);
    }
    ports[name] = port;
  }
  return { ...ports, ...overrides };
}

/** Distinct free ports for every name (held open together so none is handed out twice). */
export async function freePorts(): Promise<Ports> {
  const servers = await Promise.all(PORT_NAMES.map(() => bind(0)));
  const ports = Object.fromEntries(
    PORT_NAMES.map((name, i) => [name, (servers[i]?.address() as { port: number }).port]),
  ) as unknown as Ports;
  await Promise.all(servers.map(close));
  return ports;
}

/** Fails fast, naming the port and its env var, when one of `names` is taken. */
export async function assertFree(ports: Ports, names: readonly PortName[]): Promise<void> {
  const seen = new Map<number, PortName>();
  for (const name of names) {
    const other = seen.get(ports[name]);
    if (other) throw new PortError(`${name} and ${other} are both set to port ${ports[name]}`);
    seen.set(ports[name], name);
  }
  const taken: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const server = await bind(ports[name]).catch(() => undefined);
      if (server) await close(server);
      else
        taken.push(
          `port ${ports[name]} (${name}) is already in use: stop what holds it or set ${portEnvName(name)}`,
        );
    }),
  );
  if (taken.length > 0) throw new PortError(taken.join('\n'));
}

function bind(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    // No host: the wildcard address, which conflicts with a listener on any interface.
    server.listen(port, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
