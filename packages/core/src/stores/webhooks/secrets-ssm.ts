import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { WebhookSecrets } from './secrets';

const isNotFound = (err: unknown) => err instanceof Error && err.name === 'ParameterNotFound';

/**
 * WebhookSecrets in Parameter Store, as SecureStrings under the account's AWS managed key (aws/ssm),
 * like tenants' own SendGrid keys. https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html
 */
export class SsmWebhookSecrets implements WebhookSecrets {
  constructor(private readonly ssm: Pick<SSMClient, 'send'>) {}

  async put(name: string, secret: string): Promise<void> {
    await this.ssm.send(
      new PutParameterCommand({ Name: name, Value: secret, Type: 'SecureString', Overwrite: false }),
    );
  }

  async get(name: string): Promise<string | null> {
    try {
      const { Parameter } = await this.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      return Parameter?.Value || null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.ssm.send(new DeleteParameterCommand({ Name: name }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
