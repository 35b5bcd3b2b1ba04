/** Amazon SES (sending): aws-ses-v2-local behind the stand-in's proxy (see standins/ses.ts). */
import { startSesStandIn } from '../standins/ses';
import { definePart, localUrl } from './part';

export const ses = definePart({
  name: 'ses',
  ports: { ses: { port: 8005, env: 'MAILROOM_SES_PORT' } },
  needs: [],
  endpoints: (ports) => ({ ses: localUrl(ports.ses) }),
  env: (endpoints) => ({ MAILROOM_SES_ENDPOINT: endpoints.ses }),
  listing: (endpoints) => [['SES mailbox', `${endpoints.ses} (sent mail at /store)`]],
  async start({ ports, faults }) {
    const server = await startSesStandIn({ port: ports.ses, faults: faults.ses });
    return { value: server, stop: server.close };
  },
});
