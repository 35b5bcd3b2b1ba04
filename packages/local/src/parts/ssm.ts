/** SSM Parameter Store: the stand-in where tenants' provider secrets live (see standins/ssm.ts). */
import { startSsmStandIn } from '../standins/ssm';
import { definePart, localUrl } from './part';

export const ssm = definePart({
  name: 'ssm',
  // LocalStack's old SSM port.
  ports: { ssm: { port: 4583, env: 'MAILROOM_SSM_PORT' } },
  needs: [],
  endpoints: (ports) => ({ ssm: localUrl(ports.ssm) }),
  env: (endpoints) => ({ MAILROOM_SSM_ENDPOINT: endpoints.ssm }),
  listing: (endpoints) => [['Parameter Store', `${endpoints.ssm} (tenants' own SendGrid keys)`]],
  async start({ ports }) {
    const server = await startSsmStandIn({ port: ports.ssm });
    return { value: server, stop: server.close };
  },
});
