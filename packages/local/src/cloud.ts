/**
 * startLocalCloud: the parts of the local cloud (parts/index.ts) — emulators and provider
 * stand-ins, the services' own resources provisioned in them, the dev tenants seeded, and (unless
 * `services: false`) every service running under serverless-offline. `pnpm dev` and integration
 * tests both start the cloud through here.
 */
import { randomUUID } from 'node:crypto';
import { cloudEnv, endpointsFor } from './cloud-env';
import { assignFaults, parseFaults } from './faults';
import { silentLogger, type Logger } from './logger';
import { repoRoot, SERVICE_NAMES, type ServiceName } from './paths';
import { PARTS, type Endpoints, type PortName, type Ports } from './parts';
import type { AnyPart, RunInfo, RunOptions } from './parts/part';
import { dynamodb } from './parts/dynamodb';
import { provisioning } from './parts/provisioning';
import { startParts } from './parts/run';
import { sendgrid } from './parts/sendgrid';
import { ses } from './parts/ses';
import { assertFree, resolvePorts } from './ports';
import type { FailNext, FailNextRule } from './standins/dynamodb-proxy';
import type { SesStandIn } from './standins/ses';
import type { SimulatorEvent } from './standins/simulator';

export interface LocalCloudOptions {
  /** Ports over the defaults and their env overrides, or `'auto'`: free ports (for tests). */
  ports?: Partial<Ports> | 'auto';
  /** Services to run under serverless-offline; `false`: emulators and provisioning only. Default: all. */
  services?: readonly ServiceName[] | false;
  /** Seed the dev tenants, keys and inbound routes. Default true. */
  seed?: boolean;
  /** MAILROOM_FAULTS syntax; default: the MAILROOM_FAULTS env var. */
  faults?: string;
  logger?: Logger;
  /** The env the cloud reads and services inherit. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The repository whose `services/` are run. Default: this monorepo. */
  root?: string;
}

export interface LocalCloud {
  ports: Ports;
  endpoints: Endpoints;
  /** The env a client or service needs to talk to this cloud. */
  env: Record<string, string>;
  /** Each service's stack outputs (`resources.Outputs`), resolved to local values. */
  outputs: Record<ServiceName, Record<string, string>>;
  /** The child processes (each the leader of its own process group), for checks after stop(). */
  processes: ReadonlyArray<{ label: string; pid: number }>;
  /** What each running part serves, label then where, in the order `pnpm dev` prints them. */
  listing: ReadonlyArray<readonly [string, string]>;
  /** Replaces the injected faults while running (MAILROOM_FAULTS syntax; '' for none). */
  setFaults(text: string): void;
  /**
   * Fails the next `count` (default 1) requests of one DynamoDB operation (any, without one) with
   * `fault`, before any MAILROOM_FAULTS share is drawn: for a test that must fail exactly there.
   * E.g. `failNext({ target: 'dynamodb', operation: 'TransactWriteItems', count: 2, fault: 'throttle' })`.
   */
  failNext(rule: { target: 'dynamodb' } & FailNextRule): FailNext;
  /** The SES stand-in's sending quota and what it accepted or throttled over it. */
  ses: Pick<SesStandIn, 'setMaxSendRate' | 'setMax24HourSend' | 'stats'>;
  /** Bounces and complaints the SES simulator addresses implied, from both stand-ins. */
  simulatorEvents(): SimulatorEvent[];
  /** Stops everything this cloud started and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const logger = options.logger ?? silentLogger;
  const base = options.env ?? process.env;
  const run: RunOptions = {
    services: options.services === false ? [] : [...(options.services ?? SERVICE_NAMES)],
    seed: options.seed !== false,
  };
  const parts: AnyPart[] = PARTS.filter((part: AnyPart) => part.enabled?.(run) ?? true);
  for (const part of parts) part.check?.();
  const faults = parseFaults(options.faults ?? base.MAILROOM_FAULTS);
  const ports = await resolvePorts(options.ports, base);
  const info: RunInfo = {
    root: options.root ?? repoRoot(),
    id: `${process.pid}-${randomUUID().slice(0, 8)}`,
    base,
  };
  await assertFree(
    ports,
    parts.flatMap((part) => part.binds?.(run) ?? Object.keys(part.ports)) as PortName[],
    info.root,
  );
  const endpoints = endpointsFor(ports);
  const env = cloudEnv(ports, info);
  const started = Date.now();
  const running = await startParts(parts, { ports, endpoints, env, run: info, options: run, faults, logger });
  logger.debug(`[local cloud] ready in ${Date.now() - started} ms`);

  const faultProxy = running.get(dynamodb);
  const sesStandIn = running.get(ses);
  const sendgridStandIn = running.get(sendgrid);
  return {
    ports,
    endpoints,
    env,
    outputs: running.get(provisioning).outputs,
    processes: running.processes.map(({ label, pid }) => ({ label, pid })),
    listing: parts.flatMap((part) => part.listing?.(endpoints, run) ?? []),
    // The stand-ins read the faults object on every request, so changing it in place takes effect at once.
    setFaults: (text) => assignFaults(faults, parseFaults(text)),
    failNext: ({ target: _dynamodb, ...rule }) => faultProxy.failNext(rule),
    ses: {
      setMaxSendRate: (rate) => sesStandIn.setMaxSendRate(rate),
      setMax24HourSend: (max) => sesStandIn.setMax24HourSend(max),
      stats: () => sesStandIn.stats(),
    },
    simulatorEvents: () => [...sesStandIn.events, ...sendgridStandIn.events],
    stop: running.stop,
  };
}
