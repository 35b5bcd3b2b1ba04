import { DeleteParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { SecretStore } from '../context';

/** SecretStore on Parameter Store: SecureString, encrypted with the account's default SSM key. */
export class ParameterStore implements SecretStore {
  constructor(private readonly ssm: SSMClient) {}

  async put(name: string, value: string): Promise<void> {
    await this.ssm.send(
      new PutParameterCommand({ Name: name, Value: value, Type: 'SecureString', Overwrite: true }),
    );
  }

  async remove(name: string): Promise<void> {
    try {
      await this.ssm.send(new DeleteParameterCommand({ Name: name }));
    } catch (err) {
      if ((err as Error).name !== 'ParameterNotFound') throw err;
    }
  }
}
