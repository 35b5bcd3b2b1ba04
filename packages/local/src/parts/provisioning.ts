/**
 * The services' own CloudFormation resources created in the emulators, and the local values of
 * their environment written for the serverless plugin (serverless/plugin-data.ts).
 */
import { join } from 'node:path';
import { planProvisioning } from '../cloudformation/plan';
import {
  applyPlan,
  destroyClients,
  emulatorClients,
  type EmulatorClients,
} from '../cloudformation/provision';
import { LOCAL_ACCOUNT_ID, Resolver } from '../cloudformation/resolver';
import { LOCAL_REGION } from '../env';
import type { Logger } from '../logger';
import { SERVICE_NAMES, type ServiceName } from '../paths';
import {
  PLUGIN_DATA_ENV,
  removePluginData,
  serviceEnvironment,
  writePluginData,
  type PluginData,
} from '../serverless/plugin-data';
import type { ServiceConfig } from '../serverless/print';
import { dynamodbLocal } from './dynamodb-local';
import { fauxqs } from './fauxqs';
import { firehose } from './firehose';
import { definePart, type RunInfo } from './part';
import { serviceConfigs } from './service-configs';
import { ses } from './ses';

export interface Provisioned {
  resolvers: Record<ServiceName, Resolver>;
  /** Each service's stack outputs (`resources.Outputs`), resolved to local values. */
  outputs: Record<ServiceName, Record<string, string>>;
  /** Clients of the emulators, straight (no fault injection in between). */
  clients: EmulatorClients;
}

const pluginDataFile = (run: RunInfo) => join(run.root, '.mailroom', 'run', `${run.id}.json`);

export const provisioning = definePart({
  name: 'provisioning',
  ports: {},
  needs: [serviceConfigs, fauxqs, dynamodbLocal, firehose, ses],
  env: (_endpoints, run) => ({ [PLUGIN_DATA_ENV]: pluginDataFile(run) }),
  async start({ get, endpointsOf, run, logger }) {
    const configs = get(serviceConfigs);
    const aws = endpointsOf(fauxqs).aws;
    const clients = emulatorClients(
      {
        aws,
        dynamodb: endpointsOf(dynamodbLocal).dynamodbLocal,
        firehose: endpointsOf(firehose).firehose,
        ses: endpointsOf(ses).ses,
      },
      LOCAL_REGION,
    );
    const file = pluginDataFile(run);
    const stop = async () => {
      destroyClients(clients);
      await removePluginData(file);
    };
    try {
      const resolvers = Object.fromEntries(
        SERVICE_NAMES.map((s) => [s, resolverFor(configs[s], aws)]),
      ) as Record<ServiceName, Resolver>;
      await Promise.all(
        SERVICE_NAMES.map((s) =>
          applyPlan(
            planProvisioning(configs[s].resources?.Resources ?? {}, resolvers[s]),
            clients,
            logger,
            s,
          ),
        ),
      );
      const data: PluginData = { stage: 'local', services: {} };
      for (const s of SERVICE_NAMES) {
        data.services[configs[s].service] = serviceEnvironment(configs[s], resolvers[s]);
      }
      await writePluginData(file, data);
      const outputs = Object.fromEntries(
        SERVICE_NAMES.map((s) => [s, outputsOf(configs[s], resolvers[s], logger)]),
      ) as Record<ServiceName, Record<string, string>>;
      const value: Provisioned = { resolvers, outputs, clients };
      return { value, stop };
    } catch (error) {
      await stop();
      throw error;
    }
  },
});

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
