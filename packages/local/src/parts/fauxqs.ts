/** SQS, SNS and S3: fauxqs in a child process of its own (see emulators/fauxqs-server.mjs). */
import { startFauxqs } from '../emulators/fauxqs';
import { LOCAL_REGION } from '../env';
import { definePart, localUrl } from './part';

export const fauxqs = definePart({
  name: 'fauxqs',
  ports: { aws: { port: 4566, env: 'MAILROOM_AWS_PORT' } },
  needs: [],
  endpoints: (ports) => ({ aws: localUrl(ports.aws) }),
  env: (endpoints) => ({ MAILROOM_AWS_ENDPOINT: endpoints.aws }),
  listing: (endpoints) => [['SQS/SNS/S3', endpoints.aws]],
  async start({ ports, logger }) {
    const child = await startFauxqs(ports.aws, LOCAL_REGION, logger);
    return { value: undefined, processes: [child], stop: () => child.stop() };
  },
});
