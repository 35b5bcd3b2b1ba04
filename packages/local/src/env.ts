/** Settings every part of the local cloud shares, and the env its child processes get. */

export const LOCAL_REGION = 'us-east-1';
/**
 * Handed to services as SENDGRID_API_KEY unless one is set; the stand-in accepts it and the keys
 * created with it (`POST /v3/api_keys`, e.g. a tenant's own).
 */
export const DEV_SENDGRID_API_KEY = 'SG.mailroom-local-dev-key';
/** Handed to services as MAILROOM_CURSOR_KEY unless one is set: signs list cursors locally (docs/api-lists.md). */
export const DEV_CURSOR_KEY = 'mailroom-local-dev-cursor-key-not-a-secret';

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
