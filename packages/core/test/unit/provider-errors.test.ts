import {
  InternalServiceErrorException,
  MessageRejected,
  SendingPausedException,
  SESv2ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import {
  ProviderAccountError,
  ProviderOutcomeUnknownError,
  ProviderRejectedError,
  ProviderThrottledError,
  ProviderUnavailableError,
  TenantProviderKeyError,
  toProviderError,
  ValidationError,
} from '../../src';

const meta = (httpStatusCode?: number) => ({
  $metadata: httpStatusCode === undefined ? { attempts: 1 } : { httpStatusCode },
});

/** The shape @sendgrid/mail 8.1.6 rejects with (see classify-error.test.ts). */
const sendGridError = (status: number, message: string) =>
  Object.assign(new Error('Bad'), {
    code: status,
    response: { headers: {}, body: { errors: [{ message, field: null, help: null }] } },
  });

const ses = { provider: 'ses' };
const sendgrid = { provider: 'sendgrid' };

describe('toProviderError', () => {
  it('types SES answers by what they mean, keeping the cause and a label without the text', () => {
    const rejected = new MessageRejected({
      ...meta(400),
      message: 'Email address is not verified. arn:aws:ses:us-east-1:123456789012:identity/x',
    });
    const typed = toProviderError(rejected, ses);
    expect(typed).toBeInstanceOf(ProviderRejectedError);
    expect(typed).toMatchObject({ reason: 'SES MessageRejected', sendOutcome: 'refused', cause: rejected });

    expect(toProviderError(new TooManyRequestsException({ ...meta(429), message: '' }), ses)).toBeInstanceOf(
      ProviderThrottledError,
    );
    expect(
      toProviderError(new InternalServiceErrorException({ ...meta(500), message: '' }), ses),
    ).toBeInstanceOf(ProviderUnavailableError);
    expect(toProviderError(new SendingPausedException({ ...meta(400), message: '' }), ses)).toMatchObject({
      code: 'PROVIDER.ACCOUNT',
      reason: 'SES SendingPausedException',
    });
  });

  it('says a timeout or a dropped connection may have sent the mail, a refused connection did not', () => {
    const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError', ...meta() });
    expect(toProviderError(timeout, ses)).toMatchObject({
      code: 'PROVIDER.OUTCOME_UNKNOWN',
      sendOutcome: 'unknown',
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toProviderError(reset, sendgrid)).toBeInstanceOf(ProviderOutcomeUnknownError);
    const axiosTimeout = Object.assign(new Error('timeout of 10000ms exceeded'), { code: 'ECONNABORTED' });
    expect(toProviderError(axiosTimeout, sendgrid)).toBeInstanceOf(ProviderOutcomeUnknownError);

    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', ...meta() });
    expect(toProviderError(refused, ses)).toMatchObject({
      code: 'PROVIDER.UNAVAILABLE',
      sendOutcome: 'refused',
      reason: 'network ECONNREFUSED',
    });
    const fetchFailed = new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } });
    expect(toProviderError(fetchFailed, sendgrid)).toBeInstanceOf(ProviderUnavailableError);
  });

  it('treats an error nobody foresaw as a send whose outcome is unknown', () => {
    expect(toProviderError(new TypeError('x is undefined'), ses)).toMatchObject({
      code: 'PROVIDER.OUTCOME_UNKNOWN',
      sendOutcome: 'unknown',
    });
  });

  it('tells a refused platform key (the account) from a tenant’s own refused key (the tenant)', () => {
    expect(
      toProviderError(sendGridError(401, 'The provided authorization grant is invalid'), sendgrid),
    ).toEqual(expect.any(ProviderAccountError));
    const own = toProviderError(sendGridError(403, 'access forbidden'), { ...sendgrid, ownKey: true });
    expect(own).toBeInstanceOf(TenantProviderKeyError);
    expect(own).toMatchObject({ reason: 'SendGrid 403' });
    expect(toProviderError(sendGridError(400, 'bad'), sendgrid)).toMatchObject({ reason: 'SendGrid 400' });
    expect(
      toProviderError(
        new SESv2ServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          ...meta(400),
          message: '',
        }),
        ses,
      ),
    ).toBeInstanceOf(ProviderAccountError);
  });

  it('passes Mailroom errors through as they are', () => {
    const mine = new ValidationError('attachment gone');
    expect(toProviderError(mine, ses)).toBe(mine);
  });
});
