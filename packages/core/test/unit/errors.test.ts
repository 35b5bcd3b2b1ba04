import {
  ConfigError,
  ConflictError,
  ForbiddenError,
  MailroomError,
  NotFoundError,
  PayloadTooLargeError,
  ProviderAccountError,
  ProviderError,
  ProviderNoMessageIdError,
  ProviderOutcomeUnknownError,
  ProviderRejectedError,
  ProviderThrottledError,
  ProviderUnavailableError,
  RateLimitedError,
  TenantProviderKeyError,
  SenderDomainNotVerifiedError,
  toHttpError,
  UnauthorizedError,
  ValidationError,
} from '../../src';

describe('MailroomError subclasses', () => {
  it.each([
    [ValidationError, 'REQUEST.INVALID', 400, false],
    [UnauthorizedError, 'AUTH.UNAUTHORIZED', 401, false],
    [ForbiddenError, 'AUTH.FORBIDDEN', 403, false],
    [NotFoundError, 'RESOURCE.NOT_FOUND', 404, false],
    [ConflictError, 'RESOURCE.CONFLICT', 409, false],
    [PayloadTooLargeError, 'REQUEST.TOO_LARGE', 413, false],
    [RateLimitedError, 'REQUEST.RATE_LIMITED', 429, true],
    [ProviderThrottledError, 'PROVIDER.THROTTLED', 503, true],
    [ProviderUnavailableError, 'PROVIDER.UNAVAILABLE', 503, true],
    [ProviderRejectedError, 'PROVIDER.REJECTED', 502, false],
    [ProviderOutcomeUnknownError, 'PROVIDER.OUTCOME_UNKNOWN', 504, true],
    [ProviderAccountError, 'PROVIDER.ACCOUNT', 503, true],
    [ProviderNoMessageIdError, 'PROVIDER.NO_MESSAGE_ID', 502, false],
    [TenantProviderKeyError, 'TENANT.PROVIDER_KEY', 502, false],
    [SenderDomainNotVerifiedError, 'SENDER.DOMAIN_NOT_VERIFIED', 403, false],
    [ConfigError, 'CONFIG.INVALID', 500, true],
  ] as const)('%p has code %s, status %d, retryable %p', (Cls, code, status, retryable) => {
    const err = new Cls('boom');
    expect(err).toBeInstanceOf(MailroomError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(Cls.name);
    expect([err.code, err.httpStatus, err.retryable]).toEqual([code, status, retryable]);
  });

  it.each([
    [ProviderThrottledError, 'refused'],
    [ProviderUnavailableError, 'refused'],
    [ProviderRejectedError, 'refused'],
    [ProviderAccountError, 'refused'],
    [TenantProviderKeyError, 'refused'],
    [ProviderOutcomeUnknownError, 'unknown'],
    [ProviderNoMessageIdError, 'accepted'],
  ] as const)('%p says whether the provider may have the mail: %s', (Cls, outcome) => {
    const err = new Cls('boom', { reason: 'SES Something' });
    expect(err).toBeInstanceOf(ProviderError);
    expect([err.sendOutcome, err.reason]).toEqual([outcome, 'SES Something']);
  });

  it('keeps the cause and the details', () => {
    const cause = new Error('root');
    const err = new ValidationError('bad', { cause, details: [{ path: 'to', message: 'required' }] });
    expect(err.cause).toBe(cause);
    expect(err.details).toEqual([{ path: 'to', message: 'required' }]);
    expect(err.stack).toContain('ValidationError');
  });
});

describe('toHttpError', () => {
  it('maps a client error to its status and the contract body, details included', () => {
    const details = [{ path: 'to[0]', message: 'must be a valid email address' }];
    expect(toHttpError(new ValidationError('The request is invalid', { details }))).toEqual({
      statusCode: 400,
      body: { error: { code: 'REQUEST.INVALID', message: 'The request is invalid', details } },
    });
    expect(toHttpError(new NotFoundError('Message not found'))).toEqual({
      statusCode: 404,
      body: { error: { code: 'RESOURCE.NOT_FOUND', message: 'Message not found' } },
    });
  });

  it('adds Retry-After to a 429 that knows it', () => {
    expect(toHttpError(new RateLimitedError('slow down', { retryAfterSeconds: 1.2 }))).toMatchObject({
      statusCode: 429,
      headers: { 'Retry-After': '2' },
    });
  });

  it('turns unknown errors into 500 INTERNAL without leaking their message', () => {
    const mapped = toHttpError(new TypeError("Cannot read properties of undefined (reading 'pk')"));
    expect(mapped).toEqual({
      statusCode: 500,
      body: { error: { code: 'INTERNAL', message: 'Internal error' } },
    });
    expect(toHttpError('a string')).toEqual(mapped);
    expect(toHttpError(undefined)).toEqual(mapped);
  });

  it('hides the message and details of our own 5xx errors but keeps their code', () => {
    const mapped = toHttpError(
      new ConfigError('MAILROOM_MESSAGES_TABLE is required', { details: [{ path: 'x', message: 'y' }] }),
    );
    expect(mapped).toEqual({
      statusCode: 500,
      body: { error: { code: 'CONFIG.INVALID', message: 'Internal error' } },
    });
    expect(JSON.stringify(mapped)).not.toContain('MAILROOM_MESSAGES_TABLE');
  });
});
