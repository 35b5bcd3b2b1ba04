import { ConfigError } from '@mailroom/core';
import { webhookPublicKey } from '../../src/webhook/key-source';
import { testSigner } from '../support/signing';

const { publicKeyBase64 } = testSigner();
const PARAMETER = '/mailroom/test/sendgrid-webhook-public-key';

/** An SSM client that answers GetParameter from a list of outcomes, one per call. */
const ssmAnswering = (...outcomes: Array<string | Error>) => {
  const names: string[] = [];
  const send = jest.fn(async (command: { input: { Name: string } }) => {
    names.push(command.input.Name);
    const outcome = outcomes.shift();
    if (outcome instanceof Error) throw outcome;
    return { Parameter: { Value: outcome } };
  });
  return { client: { send } as never, names, send };
};

describe('webhookPublicKey', () => {
  it('reads the parameter once and keeps the key for the container', async () => {
    const ssm = ssmAnswering(publicKeyBase64);
    const key = webhookPublicKey({ ssm: () => ssm.client, parameter: PARAMETER });
    const [a, b] = await Promise.all([key(), key()]);
    await key();
    expect(a).toBe(b);
    expect(a.asymmetricKeyType).toBe('ec');
    expect(ssm.names).toEqual([PARAMETER]);
  });

  it('uses SENDGRID_WEBHOOK_PUBLIC_KEY when set, without asking Parameter Store', async () => {
    const ssm = ssmAnswering();
    const key = webhookPublicKey({ ssm: () => ssm.client, parameter: PARAMETER, localKey: publicKeyBase64 });
    expect((await key()).asymmetricKeyType).toBe('ec');
    expect(ssm.send).not.toHaveBeenCalled();
  });

  it('does not keep a failed read: the next request reads again', async () => {
    const ssm = ssmAnswering(
      Object.assign(new Error('throttled'), { name: 'ThrottlingException' }),
      publicKeyBase64,
    );
    const key = webhookPublicKey({ ssm: () => ssm.client, parameter: PARAMETER });
    await expect(key()).rejects.toThrow('throttled');
    await expect(key()).resolves.toBeDefined();
    expect(ssm.names).toHaveLength(2);
  });

  it('is a configuration error when the parameter is missing, empty or not a P-256 key', async () => {
    const missing = ssmAnswering(Object.assign(new Error('nope'), { name: 'ParameterNotFound' }));
    await expect(webhookPublicKey({ ssm: () => missing.client, parameter: PARAMETER })()).rejects.toThrow(
      ConfigError,
    );
    const empty = ssmAnswering('');
    await expect(webhookPublicKey({ ssm: () => empty.client, parameter: PARAMETER })()).rejects.toThrow(
      ConfigError,
    );
    const garbage = ssmAnswering('bm90IGEga2V5');
    await expect(webhookPublicKey({ ssm: () => garbage.client, parameter: PARAMETER })()).rejects.toThrow(
      ConfigError,
    );
    await expect(webhookPublicKey({ ssm: () => empty.client })()).rejects.toThrow(ConfigError);
  });
});
