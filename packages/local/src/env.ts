/** The environment that connects services and clients to one running local cloud. */
import { PORT_NAMES, portEnvName, type Ports } from './ports';

export const LOCAL_REGION = 'us-east-1';
/**
 * Handed to services as SENDGRID_API_KEY unless one is set; the stand-in accepts it and the keys
 * created with it (`POST /v3/api_keys`, e.g. a tenant's own).
 */
export const DEV_SENDGRID_API_KEY = 'SG.mailroom-local-dev-key';

export interface Endpoints {
  api: string;
  outbound: string;
  events: string;
  inbound: string;
  /** host:port of the SMTP ingress (not built yet). */
  smtp: string;
  ses: string;
  sendgrid: string;
  ssm: string;
  aws: string;
  dynamodb: string;
}

export function endpointsFor(ports: Ports): Endpoints {
  const http = (port: number) => `http://localhost:${port}`;
  return {
    api: http(ports.api),
    outbound: http(ports.outbound),
    events: http(ports.events),
    inbound: http(ports.inbound),
    smtp: `localhost:${ports.smtp}`,
    ses: http(ports.ses),
    sendgrid: http(ports.sendgrid),
    ssm: http(ports.ssm),
    aws: http(ports.aws),
    dynamodb: http(ports.dynamodb),
  };
}

/**
 * What a service or client needs to talk to this cloud. Provider settings the user set
 * (MAILROOM_PROVIDER, SENDGRID_API_KEY, SENDGRID_API_BASE_URL) are kept: CONTRACT.md lets them
 * point local services at the real SendGrid.
 */
export function cloudEnv(
  ports: Ports,
  base: NodeJS.ProcessEnv,
  pluginDataFile: string,
): Record<string, string> {
  const endpoints = endpointsFor(ports);
  const env: Record<string, string> = {
    MAILROOM_STAGE: 'local',
    MAILROOM_AWS_ENDPOINT: endpoints.aws,
    MAILROOM_DYNAMODB_ENDPOINT: endpoints.dynamodb,
    MAILROOM_SES_ENDPOINT: endpoints.ses,
    MAILROOM_SSM_ENDPOINT: endpoints.ssm,
    SENDGRID_API_BASE_URL: base.SENDGRID_API_BASE_URL || endpoints.sendgrid,
    SENDGRID_API_KEY: base.SENDGRID_API_KEY || DEV_SENDGRID_API_KEY,
    MAILROOM_PROVIDER: base.MAILROOM_PROVIDER || 'ses',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: LOCAL_REGION,
    MAILROOM_LOCAL_CLOUD_FILE: pluginDataFile,
  };
  for (const name of PORT_NAMES) env[portEnvName(name)] = String(ports[name]);
  return env;
}

/**
 * The env child processes inherit: the caller's (PATH, HOME…) without a test runner's marks —
 * serverless-offline-sqs ignores SIGTERM when NODE_ENV is `test` — plus the cloud's.
 */
export function childEnv(base: NodeJS.ProcessEnv, cloud: Record<string, string>): NodeJS.ProcessEnv {
  const { JEST_WORKER_ID: _worker, ...rest } = base;
  if (rest.NODE_ENV === 'test') delete rest.NODE_ENV;
  return {
    ...rest,
    ...cloud,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // serverless-offline-sqs polls with aws-sdk v2, which warns of its end of support at start.
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    FORCE_COLOR: '0',
  };
}

/**
 * The env `serverless print` runs with: without the per-run ports and endpoints, which do not
 * change resources, so the print cache still hits with 'auto' ports.
 */
export function printEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = childEnv(base, { AWS_REGION: LOCAL_REGION, MAILROOM_STAGE: 'local' });
  for (const name of Object.keys(env)) {
    if (
      /^MAILROOM_.*_(PORT|ENDPOINT)$/.test(name) ||
      name === 'SENDGRID_API_BASE_URL' ||
      name === 'MAILROOM_LOCAL_CLOUD_FILE'
    ) {
      delete env[name];
    }
  }
  return env;
}
