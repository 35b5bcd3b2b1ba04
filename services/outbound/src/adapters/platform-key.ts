import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '@mailroom/core';

/** A rotated key reaches every warm container within this long. */
const TTL_MS = 5 * 60_000;

/**
 * The platform's SendGrid key. Deployed, it is a SecureString in Parameter Store (the name comes from
 * MAILROOM_SENDGRID_API_KEY_PARAMETER, `/mailroom/<stage>/sendgrid-api-key`), as tenants' own keys are:
 * never an environment variable, so it is neither in the Lambda configuration nor taken from the shell of
 * whoever deployed. Read on first use and kept for five minutes per container; a failed read is not kept.
 * Under the local cloud the key may come from SENDGRID_API_KEY instead (config.ts refuses that deployed).
 */
export function platformSendGridKey(options: {
  ssm: Pick<SSMClient, 'send'>;
  parameter?: string;
  localKey?: string;
  now?: () => number;
}): () => Promise<string> {
  const now = options.now ?? Date.now;
  let cached: { at: number; key: Promise<string> } | undefined;
  const read = async (name: string): Promise<string> => {
    try {
      const { Parameter } = await options.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      if (!Parameter?.Value) throw new ConfigError(`SSM parameter ${name} has no value`);
      return Parameter.Value;
    } catch (err) {
      if ((err as Error).name !== 'ParameterNotFound') throw err;
      throw new ConfigError(`the platform SendGrid key parameter ${name} does not exist`, { cause: err });
    }
  };
  return () => {
    if (options.localKey !== undefined) return Promise.resolve(options.localKey);
    const name = options.parameter;
    if (name === undefined) {
      return Promise.reject(
        new ConfigError(
          'no platform SendGrid key: set MAILROOM_SENDGRID_API_KEY_PARAMETER (or SENDGRID_API_KEY locally)',
        ),
      );
    }
    if (!cached || now() - cached.at >= TTL_MS) {
      const entry = { at: now(), key: read(name) };
      entry.key.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.key;
  };
}
