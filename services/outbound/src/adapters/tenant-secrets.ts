import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '@mailroom/core';

/**
 * Tenants' own provider keys in Parameter Store, one SecureString per tenant:
 * `<prefix>/<tenantId>/sendgrid-api-key` (prefix `/mailroom/<stage>/tenants`). The send function's role
 * may read only below that prefix. Keys never enter the tenants table, logs or message records.
 */
export class TenantSecrets {
  constructor(
    private readonly ssm: SSMClient,
    private readonly prefix: string,
  ) {}

  parameterName(tenantId: string): string {
    return `${this.prefix}/${tenantId}/sendgrid-api-key`;
  }

  /** The tenant's SendGrid key; a missing parameter is a configuration error, which no retry fixes. */
  async sendgridApiKey(tenantId: string): Promise<string> {
    const name = this.parameterName(tenantId);
    try {
      const { Parameter } = await this.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      if (!Parameter?.Value) throw new ConfigError(`SSM parameter ${name} has no value`);
      return Parameter.Value;
    } catch (err) {
      if ((err as Error).name !== 'ParameterNotFound') throw err;
      throw new ConfigError(
        `tenant ${tenantId} sends with its own SendGrid key, but SSM parameter ${name} does not exist`,
        { cause: err },
      );
    }
  }
}
