/** Amazon SES (sending): aws-ses-v2-local behind the stand-in's proxy (see standins/ses.ts). */
import { startSesStandIn } from '../standins/ses';
import { verifyAfterFromEnv } from '../standins/ses-identities';
import { definePart, localUrl } from './part';

export const ses = definePart({
  name: 'ses',
  ports: { ses: { port: 8005, env: 'MAILROOM_SES_PORT' } },
  needs: [],
  endpoints: (ports) => ({ ses: localUrl(ports.ses) }),
  env: (endpoints) => ({ MAILROOM_SES_ENDPOINT: endpoints.ses }),
  listing: (endpoints) => [['SES mailbox', `${endpoints.ses} (sent mail at /store)`]],
  async start({ ports, faults, run }) {
    // The cloud's own env (a test's `env` option), not this process's, sets the verification delay.
    const identities = { verifyAfterSeconds: verifyAfterFromEnv(run.base) };
    const server = await startSesStandIn({ port: ports.ses, faults: faults.ses, identities });
    return { value: server, stop: server.close };
  },
});
