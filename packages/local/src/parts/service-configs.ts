/**
 * Each service's configuration as the Serverless Framework resolves it (see serverless/print.ts):
 * the CloudFormation that provisioning creates and the environment the plugin resolves. A part of
 * its own so that it runs while the emulators start.
 */
import { printEnv } from '../env';
import { SERVICE_NAMES, type ServiceName } from '../paths';
import { printService, type ServiceConfig } from '../serverless/print';
import { definePart, nothingToStop } from './part';

export const serviceConfigs = definePart({
  name: 'service-configs',
  ports: {},
  needs: [],
  async start({ run, logger }) {
    const configs = await Promise.all(
      SERVICE_NAMES.map((s) => printService(run.root, s, 'local', printEnv(run.base), logger)),
    );
    const value = Object.fromEntries(SERVICE_NAMES.map((s, i) => [s, configs[i]])) as Record<
      ServiceName,
      ServiceConfig
    >;
    return { value, stop: nothingToStop };
  },
});
