/**
 * Amazon Data Firehose: the stand-in (standins/firehose.ts), writing to S3 through the local cloud's
 * S3 endpoint, so the bucket notifications fauxqs lacks fire for its objects too.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_ACCOUNT_ID } from '../cloudformation/resolver';
import { LOCAL_REGION } from '../env';
import { startFirehoseStandIn } from '../standins/firehose';
import { fauxqs } from './fauxqs';
import { definePart, localUrl } from './part';

/** MAILROOM_FIREHOSE_BUFFER_SECONDS: how long streams buffer locally (default 1 s; AWS: at least 60). */
export const BUFFER_SECONDS_ENV = 'MAILROOM_FIREHOSE_BUFFER_SECONDS';

export class FirehoseSettingsError extends Error {
  override readonly name = 'FirehoseSettingsError';
}

export function bufferIntervalMs(env: NodeJS.ProcessEnv): number {
  const raw = env[BUFFER_SECONDS_ENV];
  if (raw === undefined || raw === '') return 1000;
  const seconds = Number(raw);
  if (!(seconds > 0 && seconds <= 900)) {
    throw new FirehoseSettingsError(`${BUFFER_SECONDS_ENV}=${raw} is not a number of seconds in (0, 900]`);
  }
  return seconds * 1000;
}

export const firehose = definePart({
  name: 'firehose',
  ports: { firehose: { port: 4573, env: 'MAILROOM_FIREHOSE_PORT' } },
  needs: [fauxqs],
  endpoints: (ports) => ({ firehose: localUrl(ports.firehose) }),
  env: (endpoints) => ({ MAILROOM_FIREHOSE_ENDPOINT: endpoints.firehose }),
  listing: (endpoints) => [['Firehose stand-in', endpoints.firehose]],
  async start({ ports, faults, endpointsOf, run, logger }) {
    const s3 = new S3Client({
      region: LOCAL_REGION,
      endpoint: endpointsOf(fauxqs).aws,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const server = await startFirehoseStandIn({
      port: ports.firehose,
      s3,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      bufferIntervalMs: bufferIntervalMs(run.base),
      faults: faults.firehose,
      logger,
    }).catch((e: unknown) => {
      s3.destroy();
      throw e;
    });
    return {
      value: server,
      stop: async () => {
        await server.close();
        s3.destroy();
      },
    };
  },
});
