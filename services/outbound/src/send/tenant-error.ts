import { classifyError, MailroomError, ProviderError } from '@mailroom/core';

/**
 * What a tenant sees of a failure (`lastError`, timeline events): a stable code and a message written
 * here, never the raw error text — provider and AWS messages carry role ARNs, account ids and parameter
 * paths. The full error goes to the function's log with the message id.
 */
export interface TenantError {
  code: string;
  message: string;
}

const MESSAGES: Record<string, string> = {
  'PROVIDER.THROTTLED': 'the provider asked Mailroom to slow down',
  'PROVIDER.UNAVAILABLE': 'the provider failed or could not be reached',
  'PROVIDER.OUTCOME_UNKNOWN': 'the provider did not answer in time; the mail may have been sent',
  'PROVIDER.REJECTED': 'the provider rejected this mail',
  'PROVIDER.ACCOUNT': 'the provider account refused to send (not a problem with this mail)',
  'PROVIDER.NO_MESSAGE_ID': 'the provider accepted the mail but returned no message id',
  'PROVIDER.RATE_BUDGET': 'no send slot was free in time',
  'TENANT.PROVIDER_KEY':
    'the tenant’s own SendGrid key is missing from Parameter Store or was refused by SendGrid; store a valid key and retry',
  'CONFIG.INVALID': 'Mailroom’s configuration kept this mail from being sent (not a problem with this mail)',
  'SEND.DEAD_LETTERED':
    'the mail could not be sent within its attempts and waits in the dead-letter queue for a redrive',
  'SEND.STUCK': 'the mail was not sent and could not be queued again',
  'SEND.INTERNAL': 'an internal error kept Mailroom from sending this mail',
};

export const describe = (code: string): string => MESSAGES[code] ?? MESSAGES['SEND.INTERNAL']!;

/** The code and safe message of any thrown value. */
export function tenantError(err: unknown): TenantError {
  if (!(err instanceof MailroomError)) {
    // An AWS error of our own (DynamoDB, S3, Parameter Store): access denied is a configuration fault.
    const code = classifyError(err).kind === 'account' ? 'CONFIG.INVALID' : 'SEND.INTERNAL';
    return { code, message: describe(code) };
  }
  if (err instanceof ProviderError) {
    // `reason` is an error name or status (toProviderError); `details` are our own rule checks.
    const extra = [
      ...(err.reason === undefined ? [] : [err.reason]),
      ...(err.details ?? []).map((d) => `${d.path}: ${d.message}`),
    ];
    return {
      code: err.code,
      message: `${describe(err.code)}${extra.length ? ` (${extra.join('; ')})` : ''}`,
    };
  }
  // 4xx Mailroom errors are ours and meant for clients (an attachment that is gone or not the tenant's).
  if (err.expose) return { code: err.code, message: err.message };
  return { code: err.code, message: describe(err.code) };
}

/** `lastError` as the read API shows it: `CODE: message`. */
export const lastErrorOf = ({ code, message }: TenantError): string => `${code}: ${message}`.slice(0, 1000);
