/**
 * The local cloud's ports, as its parts declare them (docs/contract.md's where it names one), each
 * overridable by its env name, or all free ones (`'auto'`, for tests running side by side).
 */
import { createServer, type Server } from 'node:net';
import { findHolder, type PortHolder } from './holders';
import { PARTS, type PortName, type Ports } from './parts';
import { repoRoot } from './paths';
import type { PortSpec } from './parts/part';

export { SERVICE_NAMES, type ServiceName } from './paths';
export type { PortName, Ports };

const SPECS = Object.fromEntries(PARTS.flatMap((part) => Object.entries(part.ports))) as Record<
  PortName,
  PortSpec
>;

export const PORT_NAMES = Object.keys(SPECS) as PortName[];

/** Each part's default ports; 0 where any free port will do. */
export const DEFAULT_PORTS = Object.fromEntries(PORT_NAMES.map((name) => [name, SPECS[name].port])) as Ports;

/** `apiLambda` → `MAILROOM_API_LAMBDA_PORT`: the env var that overrides a port (and that services read). */
export function portEnvName(name: PortName): string {
  return SPECS[name].env;
}

/** A port found taken before the cloud started, and what holds it when that could be found. */
export interface TakenPort {
  name: PortName;
  port: number;
  env: string;
  holder?: PortHolder;
}

export class PortError extends Error {
  override readonly name = 'PortError';
  constructor(
    message: string,
    /** The ports found taken; empty when the error is about the settings themselves. */
    readonly taken: readonly TakenPort[] = [],
  ) {
    super(message);
  }

  /** The holders that are Mailroom processes (left from an earlier run, or another `pnpm dev`). */
  ours(): PortHolder[] {
    const holders = this.taken.flatMap((t) => (t.holder?.ours ? [t.holder] : []));
    return holders.filter((h, i) => holders.findIndex((o) => o.pid === h.pid) === i);
  }
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
  return (await freePortsFor(PORT_NAMES)) as Ports;
}

/**
 * The ports of one run: all free ones for `'auto'`; else the defaults, overridden by env, overridden
 * by `overrides`, with a free port wherever that leaves 0.
 */
export async function resolvePorts(
  option: Partial<Ports> | 'auto' | undefined,
  env: NodeJS.ProcessEnv,
): Promise<Ports> {
  if (option === 'auto') return freePorts();
  const ports = portsFromEnv(env, option);
  return { ...ports, ...(await freePortsFor(PORT_NAMES.filter((name) => ports[name] === 0))) };
}

async function freePortsFor(names: readonly PortName[]): Promise<Partial<Ports>> {
  const servers = await Promise.all(names.map(() => bind(0)));
  const ports = Object.fromEntries(
    names.map((name, i) => [name, (servers[i]?.address() as { port: number }).port]),
  ) as Partial<Ports>;
  await Promise.all(servers.map(close));
  return ports;
}

/**
 * Fails fast, naming the port and its env var, when one of `names` is taken; and, where it can be
 * found, the process that holds it when that is a Mailroom process (`root`: this repository).
 */
export async function assertFree(ports: Ports, names: readonly PortName[], root = repoRoot()): Promise<void> {
  const seen = new Map<number, PortName>();
  for (const name of names) {
    const other = seen.get(ports[name]);
    if (other) throw new PortError(`${name} and ${other} are both set to port ${ports[name]}`);
    seen.set(ports[name], name);
  }
  const taken: TakenPort[] = [];
  await Promise.all(
    names.map(async (name) => {
      const server = await bind(ports[name]).catch(() => undefined);
      if (server) await close(server);
      else taken.push({ name, port: ports[name], env: portEnvName(name) });
    }),
  );
  if (taken.length === 0) return;
  for (const t of taken) t.holder = findHolder(t.port, root);
  throw new PortError(taken.map(describeTaken).join('\n'), taken);
}

function describeTaken({ name, port, env, holder }: TakenPort): string {
  if (!holder?.ours) return `port ${port} (${name}) is already in use: stop what holds it or set ${env}`;
  const command = holder.command.length > 160 ? `${holder.command.slice(0, 157)}...` : holder.command;
  return `port ${port} (${name}) is held by pid ${holder.pid}, a Mailroom process (left from an earlier run?): ${command}`;
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
