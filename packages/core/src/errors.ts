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
 * The `from` address's domain, and every parent of it, is not a verified sending domain of the tenant
 * (docs/contract.md, `POST /v1/messages`). Retrying cannot help until the tenant verifies the domain.
 */
export class SenderDomainNotVerifiedError extends MailroomError {
  readonly code = 'SENDER.DOMAIN_NOT_VERIFIED';
  readonly retryable = false;
  readonly httpStatus = 403;
}

/** The provider (SES, SendGrid) asked us to slow down: try again later. */
export class ProviderThrottledError extends MailroomError {
  readonly code = 'PROVIDER.THROTTLED';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** The provider failed or could not be reached (5xx, timeout, network): try again later. */
export class ProviderUnavailableError extends MailroomError {
  readonly code = 'PROVIDER.UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** The provider refused this message for good (bad address, unverified sender, suspended account). */
export class ProviderRejectedError extends MailroomError {
  readonly code = 'PROVIDER.REJECTED';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/** Missing or invalid configuration. Retrying cannot fix it; a deploy can. */
export class ConfigError extends MailroomError {
  readonly code = 'CONFIG.INVALID';
  readonly retryable = false;
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
