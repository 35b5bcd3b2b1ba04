import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '@mailroom/core';
import { platformSendGridKey } from '../../src/adapters/platform-key';
import { Clock } from '../support/twins';

/** A Parameter Store that answers from a script and counts the reads (the real one: test/integration/adapters). */
const ssmAnswering = (...answers: Array<string | Error>) => {
  const reads: string[] = [];
  const ssm = {
    send: async (command: GetParameterCommand) => {
      reads.push(String(command.input.Name));
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return { Parameter: { Value: answer } };
    },
  } as unknown as Pick<SSMClient, 'send'>;
  return { ssm, reads };
};
const notFound = () => Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound' });

describe('the platform SendGrid key', () => {
  const parameter = '/mailroom/prod/sendgrid-api-key';

  it('is read from Parameter Store once, then kept for five minutes', async () => {
    const clock = new Clock();
    const { ssm, reads } = ssmAnswering('SG.one', 'SG.two');
    const key = platformSendGridKey({ ssm, parameter, now: clock.now });
    await expect(key()).resolves.toBe('SG.one');
    await expect(key()).resolves.toBe('SG.one');
    clock.advance(5 * 60_000);
    await expect(key()).resolves.toBe('SG.two'); // a rotated key arrives
    expect(reads).toEqual([parameter, parameter]);
  });

  it('is a configuration error (retried with the long backoff) when the parameter is missing, and is asked again', async () => {
    const { ssm } = ssmAnswering(notFound(), 'SG.stored');
    const key = platformSendGridKey({ ssm, parameter });
    await expect(key()).rejects.toBeInstanceOf(ConfigError);
    await expect(key()).resolves.toBe('SG.stored');
  });

  it('passes other Parameter Store errors on as they are (access denied is classified as an account fault)', async () => {
    const denied = Object.assign(new Error('not authorized'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    const { ssm } = ssmAnswering(denied);
    await expect(platformSendGridKey({ ssm, parameter })()).rejects.toBe(denied);
  });

  it('is the local cloud’s key under the local cloud, and a configuration error with neither', async () => {
    const { ssm, reads } = ssmAnswering();
    await expect(platformSendGridKey({ ssm, parameter, localKey: 'SG.local' })()).resolves.toBe('SG.local');
    await expect(platformSendGridKey({ ssm })()).rejects.toBeInstanceOf(ConfigError);
    expect(reads).toEqual([]);
  });
});
