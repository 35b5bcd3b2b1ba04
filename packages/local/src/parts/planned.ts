/**
 * Contract ports of parts not built yet: the SMTP ingress (SES receiving). Declared so its env name
 * and default already hold; starting it starts nothing. The part that builds one takes its port
 * from here.
 */
import { definePart, nothingToStop } from './part';

export const planned = definePart({
  name: 'planned',
  ports: {
    smtp: { port: 2525, env: 'MAILROOM_SMTP_PORT' },
  },
  needs: [],
  binds: () => [],
  /** host:port, SMTP has no URL. */
  endpoints: (ports) => ({ smtp: `localhost:${ports.smtp}` }),
  listing: (endpoints) => [['SMTP ingress', `${endpoints.smtp} (later: not built yet)`]],
  start: async () => ({ value: undefined, stop: nothingToStop }),
});
