/**
 * SendGrid (sending): the stand-in for `POST /v3/mail/send` and API keys (see standins/sendgrid.ts),
 * and its Signed Event Webhook, posting to the events service: a key pair made for the run, whose
 * public half the services get as SENDGRID_WEBHOOK_PUBLIC_KEY, as SendGrid's settings page shows it.
 */
import { DEV_SENDGRID_API_KEY } from '../env';
import { startSendGridStandIn } from '../standins/sendgrid';
import { generateWebhookKeys, type WebhookKeys } from '../standins/sendgrid-webhook';
import { definePart, localUrl, type RunInfo } from './part';

/** MAILROOM_SENDGRID_EVENT_WEBHOOK_URL: where the Event Webhook posts, instead of the events service. */
export const WEBHOOK_URL_ENV = 'MAILROOM_SENDGRID_EVENT_WEBHOOK_URL';
export const WEBHOOK_PATH = '/webhooks/sendgrid';

// One key pair per run: env() (before anything starts) and start() must agree on it.
const keysByRun = new Map<string, WebhookKeys>();
const keysFor = (run: RunInfo): WebhookKeys => {
  let keys = keysByRun.get(run.id);
  if (!keys) {
    keys = generateWebhookKeys();
    keysByRun.set(run.id, keys);
  }
  return keys;
};

export const sendgrid = definePart({
  name: 'sendgrid',
  ports: { sendgrid: { port: 8006, env: 'MAILROOM_SENDGRID_PORT' } },
  needs: [],
  endpoints: (ports) => ({ sendgrid: localUrl(ports.sendgrid) }),
  // Provider settings the user set are kept: docs/contract.md lets them point local services at
  // the real SendGrid.
  env: (endpoints, run) => ({
    SENDGRID_API_BASE_URL: run.base.SENDGRID_API_BASE_URL || endpoints.sendgrid,
    SENDGRID_API_KEY: run.base.SENDGRID_API_KEY || DEV_SENDGRID_API_KEY,
    SENDGRID_WEBHOOK_PUBLIC_KEY: run.base.SENDGRID_WEBHOOK_PUBLIC_KEY || keysFor(run).publicKey,
  }),
  listing: (endpoints) => [['SendGrid stand-in', `${endpoints.sendgrid} (accepted mail at /store)`]],
  async start({ ports, faults, env, run, options, logger }) {
    // The events service's webhook when this run starts it, or wherever the user points it.
    const url =
      run.base[WEBHOOK_URL_ENV] ||
      (options.services.includes('events')
        ? `${localUrl(Number(env.MAILROOM_EVENTS_PORT))}${WEBHOOK_PATH}`
        : '');
    const server = await startSendGridStandIn({
      port: ports.sendgrid,
      faults: faults.sendgrid,
      knownKey: (key) => key === env.SENDGRID_API_KEY,
      webhook: url ? { url, keys: keysFor(run), logger } : undefined,
    });
    return {
      value: server,
      stop: async () => {
        await server.close();
        keysByRun.delete(run.id);
      },
    };
  },
});
