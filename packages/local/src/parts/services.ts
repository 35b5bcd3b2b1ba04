/**
 * Every service under `serverless offline start --stage local`, one process group each (see
 * serverless/offline.ts), once the emulators and stand-ins they call run and their resources exist.
 */
import { childEnv } from '../env';
import type { ServiceName } from '../paths';
import { serviceReady, startService } from '../serverless/offline';
import { dynamodb } from './dynamodb';
import { fauxqs } from './fauxqs';
import { firehose } from './firehose';
import { definePart, localUrl } from './part';
import { provisioning } from './provisioning';
import { sendgrid } from './sendgrid';
import { ses } from './ses';
import { ssm } from './ssm';

export const services = definePart({
  name: 'services',
  // The HTTP ports are the contract's (inbound has none there: its work is queue-driven, yet it
  // serves GET /health); every service needs a lambda port and a websocket port of its own.
  ports: {
    api: { port: 3000, env: 'MAILROOM_API_PORT' },
    outbound: { port: 3001, env: 'MAILROOM_OUTBOUND_PORT' },
    events: { port: 3002, env: 'MAILROOM_EVENTS_PORT' },
    inbound: { port: 3003, env: 'MAILROOM_INBOUND_PORT' },
    apiLambda: { port: 3100, env: 'MAILROOM_API_LAMBDA_PORT' },
    outboundLambda: { port: 3101, env: 'MAILROOM_OUTBOUND_LAMBDA_PORT' },
    eventsLambda: { port: 3102, env: 'MAILROOM_EVENTS_LAMBDA_PORT' },
    inboundLambda: { port: 3103, env: 'MAILROOM_INBOUND_LAMBDA_PORT' },
    apiWs: { port: 3200, env: 'MAILROOM_API_WS_PORT' },
    outboundWs: { port: 3201, env: 'MAILROOM_OUTBOUND_WS_PORT' },
    eventsWs: { port: 3202, env: 'MAILROOM_EVENTS_WS_PORT' },
    inboundWs: { port: 3203, env: 'MAILROOM_INBOUND_WS_PORT' },
  },
  needs: [provisioning, fauxqs, firehose, dynamodb, ses, sendgrid, ssm],
  enabled: (options) => options.services.length > 0,
  // No service declares a websocket event, so serverless-offline never opens those ports.
  binds: (options) => options.services.flatMap((s) => [s, `${s}Lambda` as const]),
  endpoints: (ports) => ({
    api: localUrl(ports.api),
    outbound: localUrl(ports.outbound),
    events: localUrl(ports.events),
    inbound: localUrl(ports.inbound),
  }),
  listing: (endpoints, options) => {
    const label: Record<ServiceName, string> = {
      api: 'read/status API',
      outbound: 'outbound HTTP',
      events: 'events webhook',
      inbound: 'inbound (health only)',
    };
    const order: ServiceName[] = ['api', 'outbound', 'events', 'inbound'];
    const listed = order
      .filter((s) => options.services.includes(s))
      .map((s) => [label[s], endpoints[s]] as const);
    // The web console is the api service's page (docs/console.md).
    return options.services.includes('api')
      ? [['console', `${endpoints.api}/console`] as const, ...listed]
      : listed;
  },
  async start({ ports, env, run, options, logger }) {
    const running = options.services.map((service) => ({
      service,
      child: startService(run.root, service, childEnv(run.base, env), logger),
    }));
    const children = running.map(({ child }) => child);
    const stop = async () => void (await Promise.all(children.map((c) => c.stop())));
    try {
      await Promise.all(running.map(({ service, child }) => serviceReady(child, ports[service])));
    } catch (error) {
      await stop();
      throw error;
    }
    return { value: undefined, processes: children, stop };
  },
});
