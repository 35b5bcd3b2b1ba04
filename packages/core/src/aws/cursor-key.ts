import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors';
import { MIN_CURSOR_KEY_LENGTH } from '../config';
import type { CursorKeySource } from '../lists/cursor';

/**
 * The key list cursors are signed with (lists/cursor.ts). Deployed, a SecureString in Parameter Store whose
 * name comes from MAILROOM_CURSOR_KEY_PARAMETER (`/mailroom/<stage>/cursor-key`): read on first use with
 * decryption and kept for the container's life (a rotation reaches new containers; docs/api-lists.md). A
 * failed read is not kept, so the next request tries again. Under the local cloud the key comes from
 * MAILROOM_CURSOR_KEY instead (config.ts refuses that variable on a deployed stage).
 */
export function cursorKey(options: {
  ssm: Pick<SSMClient, 'send'>;
  parameter?: string | undefined;
  localKey?: string | undefined;
}): CursorKeySource {
  let cached: Promise<string> | undefined;
  const read = async (name: string): Promise<string> => {
    let value: string | undefined;
    try {
      value = (await options.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true })))
        .Parameter?.Value;
    } catch (err) {
      if ((err as Error).name !== 'ParameterNotFound') throw err;
      throw new ConfigError(`the cursor key parameter ${name} does not exist`, { cause: err });
    }
    if (value === undefined || value.length < MIN_CURSOR_KEY_LENGTH) {
      throw new ConfigError(
        `the cursor key parameter ${name} must hold at least ${MIN_CURSOR_KEY_LENGTH} characters`,
      );
    }
    return value;
  };
  return () => {
    if (options.localKey !== undefined) return Promise.resolve(options.localKey);
    if (options.parameter === undefined) {
      return Promise.reject(
        new ConfigError('no cursor key: set MAILROOM_CURSOR_KEY_PARAMETER (or MAILROOM_CURSOR_KEY locally)'),
      );
    }
    if (!cached) {
      const attempt = read(options.parameter);
      cached = attempt;
      attempt.catch(() => {
        if (cached === attempt) cached = undefined;
      });
    }
    return cached;
  };
}
