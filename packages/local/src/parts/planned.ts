/**
 * Contract ports of parts not built yet: the Firehose stand-in. Declared so its env name and default
 * already hold; starting it starts nothing. The part that builds one takes its port from here.
 */
import { definePart, nothingToStop } from './part';

export const planned = definePart({
  name: 'planned',
  ports: {
    firehose: { port: 4573, env: 'MAILROOM_FIREHOSE_PORT' },
  },
  needs: [],
  binds: () => [],
  start: async () => ({ value: undefined, stop: nothingToStop }),
});
