/**
 * One error hierarchy for every Mailroom package. Each error carries a stable `code` (what clients and
 * dashboards match on), a `retryable` verdict (what the retry policy reads — never the message text) and
 * the HTTP status the contract gives it.
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface MailroomErrorOptions extends ErrorOptions {
  details?: readonly ErrorDetail[];
}

export abstract class MailroomError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  abstract readonly httpStatus: number;
  readonly details?: readonly ErrorDetail[];

  constructor(message: string, options: MailroomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // `new.target.name` rather than a literal so subclasses need no boilerplate; bundles keep class
    // names (serverless-esbuild does not minify by default).
    this.name = new.target.name;
    if (options.details !== undefined) this.details = options.details;
  }

  /** Whether `message` and `details` may be shown to API clients. 5xx messages may carry internals. */
  get expose(): boolean {
    return this.httpStatus < 500;
  }
}

export class ValidationError extends MailroomError {
  readonly code = 'REQUEST.INVALID';
  readonly retryable = false;
  readonly httpStatus = 400;
}

export class UnauthorizedError extends MailroomError {
  readonly code = 'AUTH.UNAUTHORIZED';
  readonly retryable = false;
  readonly httpStatus = 401;
}

export class ForbiddenError extends MailroomError {
  readonly code = 'AUTH.FORBIDDEN';
  readonly retryable = false;
  readonly httpStatus = 403;
}

export class NotFoundError extends MailroomError {
  readonly code = 'RESOURCE.NOT_FOUND';
  readonly retryable = false;
  readonly httpStatus = 404;
}

export class ConflictError extends MailroomError {
  readonly code = 'RESOURCE.CONFLICT';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/**
 * `POST /v1/messages/{id}/retry` on mail that is not `failed`, `dropped` or `deferred` (docs/contract.md):
 * sent, delivered or still on its way, or retried by a concurrent request a moment ago.
 */
export class MessageNotRetryableError extends MailroomError {
  readonly code = 'MESSAGE.NOT_RETRYABLE';
  readonly retryable = false;
  readonly httpStatus = 409;
}

export class PayloadTooLargeError extends MailroomError {
  readonly code = 'REQUEST.TOO_LARGE';
  readonly retryable = false;
  readonly httpStatus = 413;
}

export interface RateLimitedErrorOptions extends MailroomErrorOptions {
  /** Sent back as `Retry-After` (RFC 9110 §10.2.3). */
  retryAfterSeconds?: number;
}

export class RateLimitedError extends MailroomError {
  readonly code = 'REQUEST.RATE_LIMITED';
  readonly retryable = true;
  readonly httpStatus = 429;
  readonly retryAfterSeconds?: number;

  constructor(message: string, options: RateLimitedErrorOptions = {}) {
    super(message, options);
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * What became of the mail when a provider call failed: `refused` (the provider answered that it did
 * not take it, or the request never left), `unknown` (no answer: a timeout or a connection dropped after
 * the request was sent, so the provider may have accepted it), `accepted` (the provider took it but its
 * answer was unusable). The send path never releases its lock unless the outcome is `refused`.
 */
export type SendOutcome = 'refused' | 'unknown' | 'accepted';

export interface ProviderErrorOptions extends MailroomErrorOptions {
  /**
   * A short label safe to show a tenant, e.g. `SES MessageRejected` or `SendGrid 400`: an error name or
   * status, never the provider's text (which can carry ARNs, account ids or parameter paths).
   */
  reason?: string;
}

/** Every failure of a provider call (SES, SendGrid) is one of these, classified by `code`. */
export abstract class ProviderError extends MailroomError {
  readonly sendOutcome: SendOutcome = 'refused';
  readonly reason?: string;

  constructor(message: string, options: ProviderErrorOptions = {}) {
    super(message, options);
    if (options.reason !== undefined) this.reason = options.reason;
  }
}

/**
 * The `from` address's domain, and every parent of it, is not a verified sending domain of the tenant
 * (docs/contract.md, `POST /v1/messages`). Retrying cannot help until the tenant verifies the domain.
 */
export class SenderDomainNotVerifiedError extends MailroomError {
  readonly code = 'SENDER.DOMAIN_NOT_VERIFIED';
  readonly retryable = false;
  readonly httpStatus = 403;
}

/** The provider (SES, SendGrid) asked us to slow down: try again later. */
export class ProviderThrottledError extends ProviderError {
  readonly code = 'PROVIDER.THROTTLED';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** The provider failed (5xx) or could not be reached (the request never left): try again later. */
export class ProviderUnavailableError extends ProviderError {
  readonly code = 'PROVIDER.UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/**
 * No usable answer: a timeout, a connection dropped after the request was sent, or an error nobody
 * foresaw once the request may have left. The provider may have accepted the mail, so the lock is kept;
 * the mail is tried again (losing it is worse) once the lock's lease is over.
 */
export class ProviderOutcomeUnknownError extends ProviderError {
  readonly code = 'PROVIDER.OUTCOME_UNKNOWN';
  readonly retryable = true;
  readonly httpStatus = 504;
  override readonly sendOutcome = 'unknown';
}

/** The provider refused this message for good (bad address, malformed request, too large). */
export class ProviderRejectedError extends ProviderError {
  readonly code = 'PROVIDER.REJECTED';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/**
 * The platform's provider account refused to send anything (SES sending paused or account suspended,
 * MAIL FROM domain not verified, access denied, SendGrid 401/403 on the platform key): not a verdict on
 * the mail. Retried with a long backoff while someone fixes the account; the mail stays recoverable.
 */
export class ProviderAccountError extends ProviderError {
  readonly code = 'PROVIDER.ACCOUNT';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/**
 * The provider accepted the mail (2xx) but named no message id. The mail is out: it must not be sent
 * again, so this is final, and the send is recorded without the id.
 */
export class ProviderNoMessageIdError extends ProviderError {
  readonly code = 'PROVIDER.NO_MESSAGE_ID';
  readonly retryable = false;
  readonly httpStatus = 502;
  override readonly sendOutcome = 'accepted';
}

/**
 * A tenant that sends under its own provider key (SendGrid, from Parameter Store) has none stored, or the
 * provider refused it (401/403). The tenant's to fix, not the platform's: the mail fails at once and can
 * be retried once the tenant has stored a valid key.
 */
export class TenantProviderKeyError extends ProviderError {
  readonly code = 'TENANT.PROVIDER_KEY';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/**
 * Missing or invalid configuration. A deploy fixes it, after which a retry succeeds: retryable, and the
 * send path retries it with the long backoff of account faults.
 */
export class ConfigError extends MailroomError {
  readonly code = 'CONFIG.INVALID';
  readonly retryable = true;
  readonly httpStatus = 500;
}

export interface HttpErrorBody {
  error: { code: string; message: string; details?: readonly ErrorDetail[] };
}

export interface HttpError {
  statusCode: number;
  headers?: Record<string, string>;
  body: HttpErrorBody;
}

const INTERNAL_MESSAGE = 'Internal error';

/**
 * Maps any thrown value to the contract's error body `{"error": {"code", "message", "details"}}`.
 * Unknown values become 500 `INTERNAL`; 5xx Mailroom errors keep their code but not their message,
 * which may name tables, endpoints or provider responses.
 */
export const toHttpError = (err: unknown): HttpError => {
  if (!(err instanceof MailroomError)) {
    return { statusCode: 500, body: { error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } } };
  }
  const error: HttpErrorBody['error'] = err.expose
    ? { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) }
    : { code: err.code, message: INTERNAL_MESSAGE };
  const result: HttpError = { statusCode: err.httpStatus, body: { error } };
  if (err instanceof RateLimitedError && err.retryAfterSeconds !== undefined) {
    result.headers = { 'Retry-After': String(Math.max(0, Math.ceil(err.retryAfterSeconds))) };
  }
  return result;
};
