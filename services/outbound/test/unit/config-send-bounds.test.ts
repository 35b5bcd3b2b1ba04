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
};
const problem = (env: Record<string, string>) => {
  try {
    parseEnv(OutboundEnvSchema, { ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return undefined;
};

describe('outbound config: the send path’s bounds on memory and time', () => {
  it('defaults to 40 MiB of attachments in flight and a 10 s provider timeout', () => {
    expect(parseEnv(OutboundEnvSchema, base)).toMatchObject({
      MAILROOM_SEND_BYTES_IN_FLIGHT_MB: 40,
      MAILROOM_PROVIDER_TIMEOUT_MS: 10_000,
    });
    expect(
      parseEnv(OutboundEnvSchema, {
        ...base,
        MAILROOM_SEND_BYTES_IN_FLIGHT_MB: '200',
        MAILROOM_PROVIDER_TIMEOUT_MS: '5000',
      }),
    ).toMatchObject({ MAILROOM_SEND_BYTES_IN_FLIGHT_MB: 200, MAILROOM_PROVIDER_TIMEOUT_MS: 5000 });
  });

  it('keeps buffers between mails unless told 0 (unset: the wiring keeps twice the bound)', () => {
    expect(parseEnv(OutboundEnvSchema, base).MAILROOM_SEND_BUFFERS_KEPT_MB).toBeUndefined();
    expect(parseEnv(OutboundEnvSchema, { ...base, MAILROOM_SEND_BUFFERS_KEPT_MB: '0' })).toMatchObject({
      MAILROOM_SEND_BUFFERS_KEPT_MB: 0,
    });
    for (const value of ['-1', 'some'])
      expect(problem({ MAILROOM_SEND_BUFFERS_KEPT_MB: value })).toMatch(
        /MAILROOM_SEND_BUFFERS_KEPT_MB is invalid/,
      );
  });

  it('refuses a bytes-in-flight bound that is not a positive number', () => {
    for (const value of ['0', '-5', 'lots'])
      expect(problem({ MAILROOM_SEND_BYTES_IN_FLIGHT_MB: value })).toMatch(
        /MAILROOM_SEND_BYTES_IN_FLIGHT_MB is invalid/,
      );
  });

  it('keeps the provider timeout between 1 s and 15 s, well inside the send function’s 30 s', () => {
    for (const value of ['999', '15001', '30000', '2.5', 'soon'])
      expect(problem({ MAILROOM_PROVIDER_TIMEOUT_MS: value })).toMatch(
        /MAILROOM_PROVIDER_TIMEOUT_MS is invalid/,
      );
    expect(problem({ MAILROOM_PROVIDER_TIMEOUT_MS: '1000' })).toBeUndefined();
    expect(problem({ MAILROOM_PROVIDER_TIMEOUT_MS: '15000' })).toBeUndefined();
  });
});
