import { parseEnv } from '@mailroom/core';
import { EventsEnvSchema } from '../../src/config';

const base = { MAILROOM_STAGE: 'test', SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkw' };

describe('EventsEnvSchema', () => {
  it('defaults the webhook age limit to 600 s and accepts 0 (off)', () => {
    expect(parseEnv(EventsEnvSchema, base).SENDGRID_WEBHOOK_MAX_AGE_SECONDS).toBe(600);
    expect(
      parseEnv(EventsEnvSchema, { ...base, SENDGRID_WEBHOOK_MAX_AGE_SECONDS: '0' })
        .SENDGRID_WEBHOOK_MAX_AGE_SECONDS,
    ).toBe(0);
  });

  it('fails naming the variable when the key is missing or the age is negative', () => {
    expect(() => parseEnv(EventsEnvSchema, { MAILROOM_STAGE: 'test' })).toThrow(
      /SENDGRID_WEBHOOK_PUBLIC_KEY/,
    );
    expect(() => parseEnv(EventsEnvSchema, { ...base, SENDGRID_WEBHOOK_MAX_AGE_SECONDS: '-1' })).toThrow(
      /SENDGRID_WEBHOOK_MAX_AGE_SECONDS/,
    );
  });
});
