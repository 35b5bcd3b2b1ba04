import {
  MailroomError,
  ProviderAccountError,
  ProviderOutcomeUnknownError,
  ProviderRejectedError,
  ProviderThrottledError,
  ProviderUnavailableError,
  TenantProviderKeyError,
} from '../errors';
import { classifyError } from './classify';

/**
 * Network errors raised before a request could leave: no connection was ever made, so the provider
 * cannot have the mail. Every other network error (reset, broken pipe, timeouts) may come after the
 * request was written.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** The first string `code` along the cause chain (fetch and axios wrap socket errors). */
const networkCode = (err: unknown): string | undefined => {
  for (let e = err, depth = 0; isObj(e) && depth < 5; e = e['cause'], depth++) {
    if (typeof e['code'] === 'string') return e['code'];
  }
  return undefined;
};

/**
 * The provider answered over HTTP: an AWS SDK service error carries the status in `$metadata` (the SDK
 * puts `$metadata` on network errors too, without a status); @sendgrid/mail's ResponseError has it as
 * a numeric `code`.
 */
const answered = (err: unknown): boolean =>
  isObj(err) &&
  ((isObj(err['$metadata']) && typeof err['$metadata']['httpStatusCode'] === 'number') ||
    typeof err['code'] === 'number');

/** A label safe to show a tenant: the provider's error name or HTTP status, never its text. */
const reasonOf = (provider: string, err: unknown): string | undefined => {
  if (!isObj(err)) return undefined;
  const label = provider === 'ses' ? 'SES' : provider === 'sendgrid' ? 'SendGrid' : provider;
  if (typeof err['code'] === 'number') return `${label} ${err['code']}`;
  if (answered(err) && typeof err['name'] === 'string') return `${label} ${err['name']}`;
  const code = networkCode(err);
  if (code !== undefined) return `network ${code}`;
  return err['name'] === 'TimeoutError' || err['name'] === 'AbortError'
    ? `${label} ${err['name']}`
    : undefined;
};

export interface ProviderErrorContext {
  provider: string;
  /** The call used the tenant's own key (SendGrid), not the platform's. */
  ownKey?: boolean;
}

/**
 * Whatever a provider call threw, as a typed core error (errors.ts) the send path decides on by its code:
 * throttled, unavailable (the request never got an answer it could act on but surely did not send),
 * outcome unknown (it may have sent), rejected, account, or the tenant's own key. The original error is
 * kept as `cause` for the logs; `message` keeps the provider's text for the logs too — what a tenant sees
 * is built from `code` and `reason` only.
 */
export function toProviderError(
  err: unknown,
  { provider, ownKey = false }: ProviderErrorContext,
): MailroomError {
  if (err instanceof MailroomError) return err;
  const verdict = classifyError(err);
  const reason = reasonOf(provider, err);
  const options = { cause: err, ...(reason !== undefined && { reason }) };
  const message = `${provider}: ${verdict.reason}${err instanceof Error && err.message ? ` (${err.message})` : ''}`;
  switch (verdict.kind) {
    case 'throttling':
      return new ProviderThrottledError(message, options);
    case 'account':
      // A tenant's own key refused is the tenant's to fix (README "A tenant's own SendGrid key").
      return ownKey
        ? new TenantProviderKeyError(message, options)
        : new ProviderAccountError(message, options);
    case 'permanent':
      return new ProviderRejectedError(message, options);
    case 'transient': {
      const code = networkCode(err);
      // An HTTP answer (5xx) or a connection that was never made: the provider does not have the mail.
      if (answered(err) || (code !== undefined && NEVER_SENT.has(code))) {
        return new ProviderUnavailableError(message, options);
      }
      return new ProviderOutcomeUnknownError(message, options);
    }
    default:
      // Unforeseen, after the request may have left: treat it as a send whose outcome is unknown.
      return new ProviderOutcomeUnknownError(message, options);
  }
}
