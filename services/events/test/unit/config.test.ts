import { parseEnv } from '@mailroom/core';
import { TrackEnvSchema, WebhookEnvSchema } from '../../src/config';

const base = {
  MAILROOM_STAGE: 'test',
  SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkw',
  MAILROOM_SENDGRID_EVENTS_STREAM: 'mailroom-test-sendgrid-events',
};

describe('WebhookEnvSchema', () => {
  it('defaults the webhook age limit to 600 s and accepts 0 (off)', () => {
    expect(parseEnv(WebhookEnvSchema, base).SENDGRID_WEBHOOK_MAX_AGE_SECONDS).toBe(600);
    expect(
      parseEnv(WebhookEnvSchema, { ...base, SENDGRID_WEBHOOK_MAX_AGE_SECONDS: '0' })
        .SENDGRID_WEBHOOK_MAX_AGE_SECONDS,
    ).toBe(0);
  });

  it('fails naming the variable when the key is missing or the age is negative', () => {
    expect(() => parseEnv(WebhookEnvSchema, { ...base, SENDGRID_WEBHOOK_PUBLIC_KEY: undefined })).toThrow(
      /SENDGRID_WEBHOOK_PUBLIC_KEY/,
    );
    expect(() => parseEnv(WebhookEnvSchema, { ...base, SENDGRID_WEBHOOK_MAX_AGE_SECONDS: '-1' })).toThrow(
      /SENDGRID_WEBHOOK_MAX_AGE_SECONDS/,
    );
  });

  it('takes the key from a Parameter Store name instead of the key itself', () => {
    const env = {
      ...base,
      SENDGRID_WEBHOOK_PUBLIC_KEY: undefined,
      MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER: '/mailroom/test/sendgrid-webhook-public-key',
    };
    expect(parseEnv(WebhookEnvSchema, env).MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER).toBe(
      '/mailroom/test/sendgrid-webhook-public-key',
    );
  });

  it('fails naming the stream and the table when they are missing', () => {
    expect(() => parseEnv(WebhookEnvSchema, { ...base, MAILROOM_SENDGRID_EVENTS_STREAM: undefined })).toThrow(
      /MAILROOM_SENDGRID_EVENTS_STREAM/,
    );
    expect(() => parseEnv(TrackEnvSchema, { MAILROOM_STAGE: 'test' })).toThrow(/MAILROOM_MESSAGES_TABLE/);
  });
});
