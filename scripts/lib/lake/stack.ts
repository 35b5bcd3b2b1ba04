/**
 * The events stack as the local cloud sees it: `serverless print` of services/events (cached by the
 * local cloud under .mailroom/print/), its resources resolved with the local account and stage.
 */
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  printEnv,
  printService,
  Resolver,
  silentLogger,
} from '@mailroom/local';
import { lakeCatalog, type LakeCatalog, type Resources } from './catalog';

export async function loadLakeCatalog(root: string, awsEndpoint: string): Promise<LakeCatalog> {
  const config = await printService(root, 'events', 'local', printEnv(process.env), silentLogger);
  const resources = (config.resources?.Resources ?? {}) as Resources;
  const resolver = new Resolver(resources, {
    service: config.service,
    stage: 'local',
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    awsEndpoint,
  });
  return lakeCatalog(resources, resolver);
}
