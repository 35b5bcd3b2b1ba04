import { ConfigError, parseEnv } from '@mailroom/core';
import { OutboundEnvSchema } from '../../src/config';

const base = {
  MAILROOM_STAGE: 'prod',
  MAILROOM_MESSAGES_TABLE: 'mailroom-prod-messages',
  MAILROOM_TENANTS_TABLE: 'mailroom-prod-tenants',
  MAILROOM_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/mailroom-prod-send',
  MAILROOM_SEND_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/mailroom-prod-send-dlq',
  MAILROOM_ATTACHMENTS_BUCKET: 'attachments',
  MAILROOM_REQUESTS_BUCKET: 'requests',
  MAILROOM_TENANT_SECRETS_PREFIX: '/mailroom/prod/tenants',
  MAILROOM_SEND_MAX_RECEIVE_COUNT: '10',
  MAILROOM_SENDGRID_API_KEY_PARAMETER: '/mailroom/prod/sendgrid-api-key',
};
const problem = (env: Record<string, string>) => {
  try {
    parseEnv(OutboundEnvSchema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return undefined;
};

describe('outbound config', () => {
  it('takes a deployed stage’s settings, with the defaults of the send path', () => {
    expect(
      parseEnv(OutboundEnvSchema, { ...base, SENDGRID_API_BASE_URL: 'https://api.sendgrid.com' }),
    ).toMatchObject({
      MAILROOM_REQUEST_RETENTION_DAYS: 30,
      MAILROOM_ACCOUNT_RETRY_BASE_SECONDS: 60,
      MAILROOM_ACCOUNT_RETRY_CAP_SECONDS: 900,
      MAILROOM_RECORD_RETRY_MS: 8000,
      MAILROOM_UNSENT_AFTER_MINUTES: 60,
    });
  });

  it('refuses a SendGrid API base that is not https when deployed, and allows it locally', () => {
    expect(problem({ ...base, SENDGRID_API_BASE_URL: 'http://api.sendgrid.com' })).toMatch(
      /SENDGRID_API_BASE_URL is invalid: must be https when deployed/,
    );
    expect(
      problem({ ...base, MAILROOM_STAGE: 'local', SENDGRID_API_BASE_URL: 'http://localhost:8006' }),
    ).toBeUndefined();
  });

  it('refuses the platform SendGrid key as an environment variable when deployed', () => {
    expect(problem({ ...base, SENDGRID_API_KEY: 'SG.x' })).toMatch(
      /SENDGRID_API_KEY is invalid: is for the local cloud only/,
    );
    expect(problem({ ...base, MAILROOM_STAGE: 'local', SENDGRID_API_KEY: 'SG.x' })).toBeUndefined();
  });

  it('keeps requests and attachments at least as long as a send record can live (14 days)', () => {
    expect(problem({ ...base, MAILROOM_REQUEST_RETENTION_DAYS: '7' })).toMatch(
      /MAILROOM_REQUEST_RETENTION_DAYS is invalid/,
    );
    expect(problem({ ...base, MAILROOM_REQUEST_RETENTION_DAYS: '15' })).toBeUndefined();
  });

  it('needs the stage, the DLQ and the requests bucket', () => {
    const { MAILROOM_STAGE: _s, MAILROOM_SEND_DLQ_URL: _d, MAILROOM_REQUESTS_BUCKET: _r, ...rest } = base;
    expect(problem(rest)).toMatch(
      /MAILROOM_STAGE is required.*MAILROOM_SEND_DLQ_URL is required.*MAILROOM_REQUESTS_BUCKET is required/,
    );
  });
});
