import { MailroomError } from '../errors';

/**
 * What to do with a failure. `kind` is for logs and metrics; `retryable` is the verdict.
 * - throttling: the provider or AWS asked us to slow down.
 * - transient: 5xx, timeout or network; the request may or may not have reached the provider, so a
 *   retry after a timeout can, rarely, send twice — the price of never losing mail.
 * - account: the sending account or its configuration refuses everything (SES sending paused or account
 *   suspended, access denied, a refused platform key, a configuration error): not a verdict on the mail.
 *   Retried with a long backoff, since a person has to act before a retry can pass.
 * - permanent: retrying cannot help (bad request, rejected message).
 * - unknown: not recognised; retried (see classifyError).
 */
export interface ErrorClassification {
  retryable: boolean;
  kind: 'throttling' | 'transient' | 'account' | 'permanent' | 'unknown';
  reason: string;
}

/**
 * Names from the AWS SDK's own retry classification (@smithy/core `retry`:
 * THROTTLING_ERROR_CODES, TRANSIENT_ERROR_CODES), plus the 5xx names services use.
 * https://github.com/smithy-lang/smithy-typescript/blob/main/packages/service-error-classification/src/constants.ts
 * SES v2's LimitExceededException is in the SDK's throttling list too, so it is retried like throttling.
 */
const AWS_THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'SlowDown',
  'PriorRequestNotComplete',
  'TransactionInProgressException',
]);
const AWS_TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServiceError',
  'InternalServiceErrorException',
]);
/**
 * SES v2 SendEmail errors that no retry fixes
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html#API_SendEmail_Errors).
 */
const AWS_PERMANENT = new Set([
  'MessageRejected',
  'BadRequestException',
  'NotFoundException',
  'ValidationException',
  'ConditionalCheckFailedException',
]);
/**
 * Errors about the account, its credentials or its permissions, not about the mail: SES's
 * SendingPaused, AccountSuspended and MailFromDomainNotVerified (same page as above), IAM's access denied,
 * and credentials AWS does not accept
 * (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html). One IAM mistake would
 * otherwise fail every queued mail for good; they are retried with a long backoff instead.
 */
const AWS_ACCOUNT = new Set([
  'SendingPausedException',
  'AccountSuspendedException',
  'MailFromDomainNotVerifiedException',
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
]);
/** Mailroom error codes whose kind is not read from `retryable` alone. */
const CODE_KINDS: Record<string, ErrorClassification['kind']> = {
  'PROVIDER.THROTTLED': 'throttling',
  'REQUEST.RATE_LIMITED': 'throttling',
  'PROVIDER.ACCOUNT': 'account',
  'CONFIG.INVALID': 'account',
};

/** Node socket/DNS errors and undici (fetch) errors: the request may not have arrived. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const verdict = (kind: ErrorClassification['kind'], reason: string): ErrorClassification => ({
  retryable: kind !== 'permanent',
  kind,
  reason,
});

const byStatus = (source: string, status: number, detail: string): ErrorClassification | undefined => {
  if (status === 429) return verdict('throttling', `${source} 429 ${detail}`.trim());
  if (status >= 500 && status <= 599) return verdict('transient', `${source} ${status} ${detail}`.trim());
  if (status === 408) return verdict('transient', `${source} 408 ${detail}`.trim());
  // Unauthenticated or not allowed: the credentials or their permissions, never the mail.
  if (status === 401 || status === 403) return verdict('account', `${source} ${status} ${detail}`.trim());
  if (status >= 400 && status <= 499) return verdict('permanent', `${source} ${status} ${detail}`.trim());
  return undefined;
};

/**
 * A cancelled DynamoDB transaction says why per item. Conflicts with another transaction and throughput
 * limits pass if retried; a failed condition does not.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html#API_TransactWriteItems_Errors
 */
const TRANSACTION_RETRYABLE = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);
const classifyCancelledTransaction = (err: Obj): ErrorClassification => {
  const reasons = Array.isArray(err['CancellationReasons']) ? err['CancellationReasons'] : [];
  const codes = reasons.filter(isObj).map((r) => str(r['Code']) ?? 'None');
  const retryable = codes.find((c) => TRANSACTION_RETRYABLE.has(c));
  return retryable
    ? verdict(
        retryable === 'TransactionConflict' ? 'transient' : 'throttling',
        `AWS TransactionCanceledException (${retryable})`,
      )
    : verdict(
        'permanent',
        `AWS TransactionCanceledException (${codes.filter((c) => c !== 'None').join(', ')})`,
      );
};

/** AWS SDK v3 service errors carry `$metadata` (and `$fault`, sometimes `$retryable`). */
const classifyAws = (err: Obj): ErrorClassification | undefined => {
  if (!isObj(err['$metadata'])) return undefined;
  const name = str(err['name']) ?? 'Error';
  const status = err['$metadata']['httpStatusCode'];
  if (AWS_ACCOUNT.has(name)) return verdict('account', `AWS ${name}`);
  if (AWS_PERMANENT.has(name)) return verdict('permanent', `AWS ${name}`);
  if (name === 'TransactionCanceledException') return classifyCancelledTransaction(err);
  const retryable = err['$retryable'];
  if (isObj(retryable))
    return verdict(retryable['throttling'] === true ? 'throttling' : 'transient', `AWS ${name}`);
  if (AWS_THROTTLING.has(name)) return verdict('throttling', `AWS ${name}`);
  if (AWS_TRANSIENT.has(name)) return verdict('transient', `AWS ${name}`);
  if (typeof status === 'number') {
    const byCode = byStatus('AWS', status, name);
    if (byCode) return byCode;
  }
  if (err['$fault'] === 'server') return verdict('transient', `AWS ${name} (server fault)`);
  if (err['$fault'] === 'client') return verdict('permanent', `AWS ${name} (client fault)`);
  return undefined;
};

/**
 * @sendgrid/mail rejects with a ResponseError: `code` is the HTTP status, `response.body.errors` the
 * reasons (https://github.com/sendgrid/sendgrid-nodejs/blob/main/packages/helpers/classes/response-error.js).
 * Its `name` is plain "Error", so it is recognised by shape. 429 and 5xx are retryable; 401/403 (the key
 * or its permissions) are about the account, not the mail; other 4xx (400 bad request, 413 too large) are
 * permanent (https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/responses).
 * A tenant's own key is told apart by the caller (toProviderError), which knows whose key it sent with.
 */
const classifySendGrid = (err: Obj): ErrorClassification | undefined => {
  const code = err['code'];
  const response = err['response'];
  if (typeof code !== 'number' || !isObj(response)) return undefined;
  const body = isObj(response['body']) ? response['body'] : isObj(response['data']) ? response['data'] : {};
  const errors = Array.isArray(body['errors']) ? body['errors'] : [];
  const first = errors.find(isObj);
  const detail = (first && str(first['message'])) ?? str(err['message']) ?? '';
  return byStatus('SendGrid', code, detail);
};

const classifyNetwork = (err: Obj): ErrorClassification | undefined => {
  const code = str(err['code']);
  if (code !== undefined && NETWORK_CODES.has(code)) return verdict('transient', `network ${code}`);
  const name = str(err['name']);
  // AbortError/TimeoutError come from our own deadlines (AbortSignal.timeout), not from the caller.
  if (name === 'AbortError' || name === 'TimeoutError') return verdict('transient', name);
  if (str(err['message'])?.toLowerCase().includes('socket hang up'))
    return verdict('transient', 'socket hang up');
  return undefined;
};

const classifyKnown = (err: unknown, depth: number): ErrorClassification | undefined => {
  if (err instanceof MailroomError) {
    const kind = !err.retryable ? 'permanent' : (CODE_KINDS[err.code] ?? 'transient');
    return { retryable: err.retryable, kind, reason: err.code };
  }
  if (!isObj(err)) return undefined;
  const found = classifyAws(err) ?? classifySendGrid(err) ?? classifyNetwork(err);
  if (found) return found;
  // fetch() wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }).
  return depth < 5 && err['cause'] !== undefined ? classifyKnown(err['cause'], depth + 1) : undefined;
};

/**
 * Whether a failure is worth retrying. Unknown errors are retried: a send that gives up on an error we
 * did not foresee loses mail, while a wrong retry costs only a few attempts — the queue's
 * `maxReceiveCount` bounds them, and the message then waits in the DLQ where it can be inspected and
 * redriven. Permanent verdicts are therefore reserved for errors known to be permanent.
 */
export const classifyError = (err: unknown): ErrorClassification => {
  const known = classifyKnown(err, 0);
  if (known) return known;
  const name = err instanceof Error ? err.name : typeof err;
  return { retryable: true, kind: 'unknown', reason: `unclassified ${name}` };
};
