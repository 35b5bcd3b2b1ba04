/** SendGrid (sending): the stand-in for `POST /v3/mail/send` and API keys (see standins/sendgrid.ts). */
import { DEV_SENDGRID_API_KEY } from '../env';
import { startSendGridStandIn } from '../standins/sendgrid';
import { definePart, localUrl } from './part';

export const sendgrid = definePart({
  name: 'sendgrid',
  ports: { sendgrid: { port: 8006, env: 'MAILROOM_SENDGRID_PORT' } },
  needs: [],
  endpoints: (ports) => ({ sendgrid: localUrl(ports.sendgrid) }),
  // Provider settings the user set are kept: docs/contract.md lets them point local services at
  // the real SendGrid.
  env: (endpoints, { base }) => ({
    SENDGRID_API_BASE_URL: base.SENDGRID_API_BASE_URL || endpoints.sendgrid,
    SENDGRID_API_KEY: base.SENDGRID_API_KEY || DEV_SENDGRID_API_KEY,
  }),
  listing: (endpoints) => [['SendGrid stand-in', `${endpoints.sendgrid} (accepted mail at /store)`]],
  async start({ ports, faults, env }) {
    const server = await startSendGridStandIn({
      port: ports.sendgrid,
      faults: faults.sendgrid,
      knownKey: (key) => key === env.SENDGRID_API_KEY,
    });
    return { value: server, stop: server.close };
  },
});
