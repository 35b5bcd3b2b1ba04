import { ConfigError, parseEnv } from '@mailroom/core';
import { NotifyEnvSchema } from '../../src/notify/config';

const base = {
  MAILROOM_TENANTS_TABLE: 'mailroom-prod-tenants',
  MAILROOM_NOTIFY_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/mailroom-prod-notify-dlq',
};

describe('notify config', () => {
  it('takes the defaults of docs/status-webhooks.md', () => {
    expect(parseEnv(NotifyEnvSchema, base)).toMatchObject({
      MAILROOM_NOTIFY_ATTEMPTS: 3,
      MAILROOM_NOTIFY_TIMEOUT_MS: 5_000,
      MAILROOM_NOTIFY_CACHE_SECONDS: 30,
    });
  });

  it.each([
    ['a missing DLQ', { MAILROOM_NOTIFY_DLQ_URL: undefined }, 'MAILROOM_NOTIFY_DLQ_URL is required'],
    ['a missing table', { MAILROOM_TENANTS_TABLE: undefined }, 'MAILROOM_TENANTS_TABLE is required'],
    ['no attempt at all', { MAILROOM_NOTIFY_ATTEMPTS: '0' }, 'MAILROOM_NOTIFY_ATTEMPTS is invalid'],
    [
      'a timeout above 10 s',
      { MAILROOM_NOTIFY_TIMEOUT_MS: '60000' },
      'MAILROOM_NOTIFY_TIMEOUT_MS is invalid',
    ],
  ])('refuses %s, naming it', (_what, change, message) => {
    const env = { ...base, ...change } as Record<string, string | undefined>;
    expect(() => parseEnv(NotifyEnvSchema, env)).toThrow(ConfigError);
    expect(() => parseEnv(NotifyEnvSchema, env)).toThrow(message);
  });
});
