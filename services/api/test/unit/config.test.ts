import { ConfigError, parseEnv } from '@mailroom/core';
import { ApiEnvSchema } from '../../src/config';

const base = {
  MAILROOM_MESSAGES_TABLE: 'm',
  MAILROOM_TENANTS_TABLE: 't',
  MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/prod/webhooks',
  MAILROOM_INBOUND_TABLE: 'i',
  MAILROOM_RECEIPT_BUCKET: 'b',
  MAILROOM_INBOUND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q',
  MAILROOM_SEND_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/send',
  MAILROOM_REQUESTS_BUCKET: 'r',
  MAILROOM_CURSOR_KEY_PARAMETER: '/mailroom/prod/cursor-key',
};

describe('api config', () => {
  it('refuses plain-http webhooks outside the local cloud', () => {
    expect(() =>
      parseEnv(ApiEnvSchema, { ...base, MAILROOM_STAGE: 'prod', MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP: 'true' }),
    ).toThrow(ConfigError);
    expect(
      parseEnv(ApiEnvSchema, { ...base, MAILROOM_STAGE: 'local', MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP: 'true' })
        .MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP,
    ).toBe(true);
    expect(
      parseEnv(ApiEnvSchema, { ...base, MAILROOM_STAGE: 'prod' }).MAILROOM_WEBHOOK_ALLOW_LOCAL_HTTP,
    ).toBe(false);
  });

  it('names a missing or malformed secrets prefix', () => {
    expect(() =>
      parseEnv(ApiEnvSchema, { ...base, MAILROOM_STAGE: 'prod', MAILROOM_WEBHOOK_SECRETS_PREFIX: 'x/' }),
    ).toThrow(/MAILROOM_WEBHOOK_SECRETS_PREFIX/);
    const { MAILROOM_WEBHOOK_SECRETS_PREFIX: _, ...without } = base;
    expect(() => parseEnv(ApiEnvSchema, { ...without, MAILROOM_STAGE: 'prod' })).toThrow(
      'MAILROOM_WEBHOOK_SECRETS_PREFIX is required',
    );
  });

  it('names outbound’s send queue URL and requests bucket when they are missing or malformed', () => {
    const { MAILROOM_SEND_QUEUE_URL: _q, MAILROOM_REQUESTS_BUCKET: _b, ...without } = base;
    expect(() => parseEnv(ApiEnvSchema, { ...without, MAILROOM_STAGE: 'prod' })).toThrow(
      /MAILROOM_SEND_QUEUE_URL[\s\S]*MAILROOM_REQUESTS_BUCKET|MAILROOM_REQUESTS_BUCKET[\s\S]*MAILROOM_SEND_QUEUE_URL/,
    );
    expect(() =>
      parseEnv(ApiEnvSchema, {
        ...base,
        MAILROOM_STAGE: 'prod',
        MAILROOM_SEND_QUEUE_URL: 'mailroom-prod-send',
      }),
    ).toThrow(/MAILROOM_SEND_QUEUE_URL/);
  });
});
