/**
 * startLocalCloud: emulators and provider stand-ins, the services' own resources provisioned in
 * them, the dev tenants seeded, and (unless `services: false`) every service running under
 * serverless-offline. `pnpm dev` and integration tests both start the cloud through here.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { planProvisioning } from './cloudformation/plan';
import { applyPlan, destroyClients, emulatorClients, type EmulatorClients } from './cloudformation/provision';
import { LOCAL_ACCOUNT_ID, Resolver } from './cloudformation/resolver';
import { checkJava, startDynamoDb } from './emulators/dynamodb';
import { startFauxqs } from './emulators/fauxqs';
import { childEnv, cloudEnv, endpointsFor, LOCAL_REGION, printEnv, type Endpoints } from './env';
import { parseFaults } from './faults';
import { silentLogger, type Logger } from './logger';
import { repoRoot } from './paths';
import {
  assertFree,
  freePorts,
  portsFromEnv,
  SERVICE_NAMES,
  type PortName,
  type Ports,
  type ServiceName,
} from './ports';
import type { Child } from './process';
import { seed } from './seed';
import { serviceReady, startService } from './serverless/offline';
import {
  removePluginData,
  serviceEnvironment,
  writePluginData,
  type PluginData,
} from './serverless/plugin-data';
import { printService, type ServiceConfig } from './serverless/print';
import { startSendGridStandIn } from './standins/sendgrid';
import { startSesStandIn, type SesStandIn } from './standins/ses';
import { startSsmStandIn } from './standins/ssm';
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
  /** Replaces the injected faults while running (MAILROOM_FAULTS syntax; '' for none). */
  setFaults(text: string): void;
  /** The SES stand-in's sending quota and what it accepted or throttled over it. */
  ses: Pick<SesStandIn, 'setMaxSendRate' | 'stats'>;
  /** Bounces and complaints the SES simulator addresses implied, from both stand-ins. */
  simulatorEvents(): SimulatorEvent[];
  /** Stops everything this cloud started and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const logger = options.logger ?? silentLogger;
  checkJava();
  const base = options.env ?? process.env;
  const faults = parseFaults(options.faults ?? base.MAILROOM_FAULTS);
  const services = options.services === false ? [] : [...(options.services ?? SERVICE_NAMES)];
  const ports = options.ports === 'auto' ? await freePorts() : portsFromEnv(base, options.ports);
  const bound: PortName[] = [
    'aws',
    'dynamodb',
    'ses',
    'sendgrid',
    'ssm',
    ...services.flatMap((s) => [s, `${s}Lambda` as const]),
  ];
  await assertFree(ports, bound);

  const root = options.root ?? repoRoot();
  const dataFile = join(root, '.mailroom', 'run', `${process.pid}-${randomUUID().slice(0, 8)}.json`);
  const env = cloudEnv(ports, base, dataFile);
  const endpoints = endpointsFor(ports);
  const stoppers: Array<() => Promise<void>> = [];
  const children: Child[] = [];
  let clients: EmulatorClients | undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(children.map((c) => c.stop()));
      await Promise.allSettled(stoppers.map((s) => s()));
      if (clients) destroyClients(clients);
      await removePluginData(dataFile);
    })());

  try {
    const started = Date.now();
    const track = <T extends Child>(child: T) => (children.push(child), child);
    const closing = <T extends { close(): Promise<void> }>(server: T) => (
      stoppers.push(server.close),
      server
    );
    // allSettled: when one part fails, the others must have finished starting (and been
    // tracked) before stop() runs, or they would outlive the failed start.
    await startSsmStandIn({ port: ports.ssm }).then(closing);
    const [configs, , , ses, sendgrid] = await settled([
      Promise.all(SERVICE_NAMES.map((s) => printService(root, s, 'local', printEnv(base), logger))),
      startFauxqs(ports.aws, LOCAL_REGION, logger).then(track),
      startDynamoDb(ports.dynamodb, logger).then(track),
      startSesStandIn({ port: ports.ses, faults: faults.ses }).then(closing),
      startSendGridStandIn({
        port: ports.sendgrid,
        faults: faults.sendgrid,
        knownKey: (key) => key === env.SENDGRID_API_KEY,
      }).then(closing),
    ] as const);
    logger.debug(`emulators up and services printed in ${Date.now() - started} ms`);

    clients = emulatorClients(endpoints, LOCAL_REGION);
    const resolvers = Object.fromEntries(
      SERVICE_NAMES.map((s, i) => [s, resolverFor(configs[i] as ServiceConfig, endpoints.aws)]),
    ) as Record<ServiceName, Resolver>;
    const emulators = clients;
    await Promise.all(
      SERVICE_NAMES.map((s, i) =>
        applyPlan(
          planProvisioning(configs[i]?.resources?.Resources ?? {}, resolvers[s]),
          emulators,
          logger,
          s,
        ),
      ),
    );
    logger.debug(`provisioned in ${Date.now() - started} ms`);

    const data: PluginData = { stage: 'local', services: {} };
    SERVICE_NAMES.forEach((s, i) => {
      const config = configs[i] as ServiceConfig;
      data.services[config.service] = serviceEnvironment(config, resolvers[s]);
    });
    await writePluginData(dataFile, data);

    const running = services.map((s) => track(startService(root, s, childEnv(base, env), logger)));
    await Promise.all([
      options.seed === false
        ? undefined
        : seed(
            {
              region: LOCAL_REGION,
              dynamodbEndpoint: endpoints.dynamodb,
              tenantsTable: resolvers.outbound.nameOf('TenantsTable'),
              inboundTable: resolvers.inbound.nameOf('InboundTable'),
            },
            emulators.dynamodb,
          ),
      ...running.map((child, i) => serviceReady(child, ports[services[i] as ServiceName])),
    ]);
    logger.debug(`ready in ${Date.now() - started} ms`);

    return {
      ports,
      endpoints,
      env,
      outputs: Object.fromEntries(
        SERVICE_NAMES.map((s, i) => [s, outputsOf(configs[i] as ServiceConfig, resolvers[s], logger)]),
      ) as Record<ServiceName, Record<string, string>>,
      processes: children.map(({ label, pid }) => ({ label, pid })),
      // The stand-ins read these objects on every request, so changing them in place takes effect at once.
      setFaults: (text) => {
        const next = parseFaults(text);
        Object.assign(faults.ses, next.ses);
        Object.assign(faults.sendgrid, next.sendgrid);
      },
      ses: { setMaxSendRate: (rate) => ses.setMaxSendRate(rate), stats: () => ses.stats() },
      simulatorEvents: () => [...ses.events, ...sendgrid.events],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function resolverFor(config: ServiceConfig, awsEndpoint: string): Resolver {
  return new Resolver(config.resources?.Resources ?? {}, {
    service: config.service,
    stage: 'local',
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    awsEndpoint,
    functions: config.functions ?? {},
  });
}

function outputsOf(config: ServiceConfig, resolver: Resolver, logger: Logger): Record<string, string> {
  const outputs =
    (config.resources as { Outputs?: Record<string, { Value: unknown }> } | undefined)?.Outputs ?? {};
  const out: Record<string, string> = {};
  for (const [name, { Value }] of Object.entries(outputs)) {
    try {
      out[name] = resolver.resolveString(Value, `${config.service} output ${name}`);
    } catch (e) {
      logger.debug(`[${config.service}] output ${name} has no local value: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Promise.all that waits for every promise before rejecting with the first failure. */
async function settled<T extends readonly unknown[]>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
