/** SSM Parameter Store: the stand-in where tenants' provider secrets live (see standins/ssm.ts). */
import { DEV_CURSOR_KEY } from '../env';
import { startSsmStandIn } from '../standins/ssm';
import { definePart, localUrl } from './part';

export const ssm = definePart({
  name: 'ssm',
  // LocalStack's old SSM port.
  ports: { ssm: { port: 4583, env: 'MAILROOM_SSM_PORT' } },
  needs: [],
  endpoints: (ports) => ({ ssm: localUrl(ports.ssm) }),
  // Deployed, the list cursor key is a SecureString; locally services get a fixed dev key instead.
  env: (endpoints, { base }) => ({
    MAILROOM_SSM_ENDPOINT: endpoints.ssm,
    MAILROOM_CURSOR_KEY: base.MAILROOM_CURSOR_KEY || DEV_CURSOR_KEY,
  }),
  listing: (endpoints) => [['Parameter Store', `${endpoints.ssm} (tenants' own SendGrid keys)`]],
  async start({ ports }) {
    const server = await startSsmStandIn({ port: ports.ssm });
    return { value: server, stop: server.close };
  },
});
