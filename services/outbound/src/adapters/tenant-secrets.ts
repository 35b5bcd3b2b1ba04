import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { TenantProviderKeyError } from '@mailroom/core';

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

  /**
   * The tenant's SendGrid key. A missing parameter is the tenant's to fix (TenantProviderKeyError: the mail
   * fails at once, recoverable by a retry once the key is stored); the parameter's name goes to the log,
   * never to the tenant's `lastError`.
   */
  async sendgridApiKey(tenantId: string): Promise<string> {
    const name = this.parameterName(tenantId);
    try {
      const { Parameter } = await this.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      if (!Parameter?.Value) throw new TenantProviderKeyError(`SSM parameter ${name} has no value`);
      return Parameter.Value;
    } catch (err) {
      if ((err as Error).name !== 'ParameterNotFound') throw err;
      throw new TenantProviderKeyError(
        `tenant ${tenantId} sends with its own SendGrid key, but SSM parameter ${name} does not exist`,
        { cause: err },
      );
    }
  }
}
