import { z } from 'zod';
import { awsTargets, AwsEnvSchema, ConfigError, parseEnv } from '../../src';

const Schema = AwsEnvSchema.extend({
  MAILROOM_MESSAGES_TABLE: z.string().min(1),
  MAILROOM_SEND_QUEUE_URL: z.url(),
  MAILROOM_LEASE_SECONDS: z.coerce.number().int().positive().default(900),
});

const fail = (env: Record<string, string | undefined>): ConfigError => {
  try {
    parseEnv(Schema, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected parseEnv to throw');
};

describe('parseEnv', () => {
  const good = {
    MAILROOM_MESSAGES_TABLE: 'mailroom-local-messages',
    MAILROOM_SEND_QUEUE_URL: 'http://localhost:4566/q',
  };

  it('parses, applies defaults and ignores unrelated variables', () => {
    expect(parseEnv(Schema, { ...good, PATH: '/usr/bin' })).toEqual({
      ...good,
      AWS_REGION: 'us-east-1',
      MAILROOM_LEASE_SECONDS: 900,
    });
  });

  it('names every missing variable', () => {
    const err = fail({});
    expect(err.message).toContain('MAILROOM_MESSAGES_TABLE is required');
    expect(err.message).toContain('MAILROOM_SEND_QUEUE_URL is required');
    expect(err.details?.map((d) => d.path)).toEqual(['MAILROOM_MESSAGES_TABLE', 'MAILROOM_SEND_QUEUE_URL']);
  });

  it('treats an empty variable as missing, never as ""', () => {
    expect(fail({ ...good, MAILROOM_MESSAGES_TABLE: '' }).message).toBe(
      'Invalid configuration: MAILROOM_MESSAGES_TABLE is required',
    );
    expect(parseEnv(Schema, { ...good, AWS_REGION: '' }).AWS_REGION).toBe('us-east-1');
  });

  it('names invalid variables with the reason', () => {
    const err = fail({ ...good, MAILROOM_SEND_QUEUE_URL: 'not a url', MAILROOM_LEASE_SECONDS: '-5' });
    expect(err.message).toMatch(/MAILROOM_SEND_QUEUE_URL is invalid: .+/);
    expect(err.message).toMatch(/MAILROOM_LEASE_SECONDS is invalid: .+/);
    expect(err.retryable).toBe(true); // a deploy fixes it, after which a retry passes
  });

  it('reads process.env by default', () => {
    const before = process.env['MAILROOM_X_TEST'];
    process.env['MAILROOM_X_TEST'] = 'yes';
    try {
      expect(parseEnv(z.object({ MAILROOM_X_TEST: z.string() })).MAILROOM_X_TEST).toBe('yes');
    } finally {
      if (before === undefined) delete process.env['MAILROOM_X_TEST'];
      else process.env['MAILROOM_X_TEST'] = before;
    }
  });
});

describe('AwsEnvSchema and awsTargets', () => {
  it('gives each client its own endpoint, without falling back to another emulator’s', () => {
    const env = parseEnv(AwsEnvSchema, {
      AWS_REGION: 'eu-west-1',
      MAILROOM_AWS_ENDPOINT: 'http://localhost:4566',
      MAILROOM_DYNAMODB_ENDPOINT: 'http://localhost:8000',
    });
    expect(awsTargets(env)).toEqual({
      default: { region: 'eu-west-1', endpoint: 'http://localhost:4566' },
      dynamodb: { region: 'eu-west-1', endpoint: 'http://localhost:8000' },
      ses: { region: 'eu-west-1' },
    });
  });

  it('refuses an endpoint that is not a URL', () => {
    expect(() => parseEnv(AwsEnvSchema, { MAILROOM_SES_ENDPOINT: 'localhost:8005' })).toThrow(
      /MAILROOM_SES_ENDPOINT is invalid/,
    );
  });
});
