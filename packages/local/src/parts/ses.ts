/**
 * Amazon SES (sending): aws-ses-v2-local behind the stand-in's proxy (see standins/ses.ts), which
 * publishes configuration sets' events to the Firehose stand-in.
 */
import { LOCAL_ACCOUNT_ID } from '../cloudformation/resolver';
import { LOCAL_REGION } from '../env';
import { startSesStandIn } from '../standins/ses';
import { firehose } from './firehose';
import { definePart, localUrl } from './part';

export const ses = definePart({
  name: 'ses',
  ports: { ses: { port: 8005, env: 'MAILROOM_SES_PORT' } },
  needs: [firehose],
  endpoints: (ports) => ({ ses: localUrl(ports.ses) }),
  env: (endpoints) => ({ MAILROOM_SES_ENDPOINT: endpoints.ses }),
  listing: (endpoints) => [['SES mailbox', `${endpoints.ses} (sent mail at /store)`]],
  async start({ ports, faults, endpointsOf, logger }) {
    const server = await startSesStandIn({
      port: ports.ses,
      faults: faults.ses,
      region: LOCAL_REGION,
      logger,
      events: { firehoseEndpoint: endpointsOf(firehose).firehose, accountId: LOCAL_ACCOUNT_ID },
    });
    return { value: server, stop: server.close };
  },
});
