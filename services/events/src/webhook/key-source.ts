import type { KeyObject } from 'node:crypto';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '@mailroom/core';
import { sendGridPublicKey } from './public-key';

/**
 * SendGrid's verification key: from SENDGRID_WEBHOOK_PUBLIC_KEY when set (the local cloud), else read once
 * from Parameter Store (the parameter MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER names) and kept for the
 * container's life: the key changes only when someone resets it in SendGrid's settings, and a new
 * container picks the new one up. A failed read is not kept, so the next request tries again.
 */
export function webhookPublicKey(options: {
  ssm: () => Pick<SSMClient, 'send'>;
  parameter?: string | undefined;
  localKey?: string | undefined;
}): () => Promise<KeyObject> {
  let cached: Promise<KeyObject> | undefined;
  const load = async (): Promise<KeyObject> => {
    if (options.localKey !== undefined) return sendGridPublicKey(options.localKey);
    const name = options.parameter;
    if (name === undefined) {
      throw new ConfigError(
        'no SendGrid webhook key: set MAILROOM_SENDGRID_WEBHOOK_PUBLIC_KEY_PARAMETER (or SENDGRID_WEBHOOK_PUBLIC_KEY locally)',
      );
    }
    let value: string | undefined;
    try {
      value = (await options.ssm().send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
    } catch (err) {
      if ((err as Error).name !== 'ParameterNotFound') throw err;
      throw new ConfigError(`the SendGrid webhook key parameter ${name} does not exist`, { cause: err });
    }
    if (!value) throw new ConfigError(`SSM parameter ${name} has no value`);
    return sendGridPublicKey(value);
  };
  return () => {
    if (!cached) {
      const attempt = load();
      cached = attempt;
      attempt.catch(() => {
        if (cached === attempt) cached = undefined;
      });
    }
    return cached;
  };
}
