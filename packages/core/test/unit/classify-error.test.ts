import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  AccountSuspendedException,
  BadRequestException,
  InternalServiceErrorException,
  LimitExceededException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  NotFoundException,
  SendingPausedException,
  SESv2ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import {
  classifyError,
  ConfigError,
  ProviderAccountError,
  ProviderRejectedError,
  ProviderThrottledError,
  ProviderUnavailableError,
  TenantProviderKeyError,
  ValidationError,
} from '../../src';

const meta = (httpStatusCode?: number) => ({
  $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
});

/**
 * @sendgrid/helpers 8.0.0 `classes/response-error.js` (what @sendgrid/mail 8.1.6 rejects with), reproduced
 * so core need not depend on SendGrid: built from the axios response, `code` = status, `response.body` = data.
 */
class ResponseError extends Error {
  code: number;
  response: { headers: Record<string, string>; body: unknown };
  constructor(response: {
    status: number;
    statusText: string;
    headers: Record<string, string>;
    data: unknown;
  }) {
    super();
    this.code = response.status;
    this.message = response.statusText;
    this.response = { headers: response.headers, body: response.data };
  }
}
const sendGridError = (status: number, statusText: string, message: string) =>
  new ResponseError({
    status,
    statusText,
    headers: { 'content-type': 'application/json' },
    data: { errors: [{ message, field: null, help: null }] },
  });

/** A real socket error: connect to a port that was just closed. */
const refusedConnection = async (): Promise<Error> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  const socket = connect(port, '127.0.0.1');
  const [err] = (await once(socket, 'error').catch((e: unknown) => [e])) as [Error];
  return err;
};

describe('classifyError', () => {
  describe('Mailroom errors', () => {
    it('follows their retryable flag', () => {
      expect(classifyError(new ProviderThrottledError('slow'))).toEqual({
        retryable: true,
        kind: 'throttling',
        reason: 'PROVIDER.THROTTLED',
      });
      expect(classifyError(new ProviderUnavailableError('down'))).toMatchObject({
        retryable: true,
        kind: 'transient',
      });
      expect(classifyError(new ProviderRejectedError('no'))).toMatchObject({
        retryable: false,
        kind: 'permanent',
      });
      expect(classifyError(new ValidationError('bad'))).toMatchObject({ retryable: false });
    });

    it('reads account faults and configuration errors as account-level, retryable', () => {
      expect(classifyError(new ProviderAccountError('paused'))).toEqual({
        retryable: true,
        kind: 'account',
        reason: 'PROVIDER.ACCOUNT',
      });
      expect(classifyError(new ConfigError('missing'))).toMatchObject({ retryable: true, kind: 'account' });
      expect(classifyError(new TenantProviderKeyError('revoked'))).toMatchObject({
        retryable: false,
        kind: 'permanent',
      });
    });
  });

  describe('AWS SDK v3 errors', () => {
    it.each([
      [
        'SES v2 TooManyRequestsException',
        new TooManyRequestsException({ ...meta(429), message: 'Maximum sending rate exceeded.' }),
      ],
      ['SES v2 LimitExceededException', new LimitExceededException({ ...meta(400), message: '' })],
      [
        'DynamoDB ProvisionedThroughputExceededException',
        new ProvisionedThroughputExceededException({ ...meta(400), message: '' }),
      ],
      [
        'an unmodelled ThrottlingException',
        new SESv2ServiceException({
          name: 'ThrottlingException',
          $fault: 'client',
          ...meta(400),
          message: 'Rate exceeded',
        }),
      ],
      [
        'any 429',
        new SESv2ServiceException({ name: 'Whatever', $fault: 'client', ...meta(429), message: '' }),
      ],
    ])('retries %s as throttling', (_, err) => {
      expect(classifyError(err)).toMatchObject({ retryable: true, kind: 'throttling' });
    });

    it.each([
      [
        'SES v2 InternalServiceErrorException',
        new InternalServiceErrorException({ ...meta(500), message: '' }),
      ],
      ['DynamoDB InternalServerError', new InternalServerError({ ...meta(500), message: '' })],
      [
        'ServiceUnavailable (503)',
        new SESv2ServiceException({
          name: 'ServiceUnavailable',
          $fault: 'server',
          ...meta(503),
          message: '',
        }),
      ],
      [
        'InternalFailure',
        new SESv2ServiceException({ name: 'InternalFailure', $fault: 'server', ...meta(500), message: '' }),
      ],
      [
        'RequestTimeout',
        new SESv2ServiceException({ name: 'RequestTimeout', $fault: 'client', ...meta(408), message: '' }),
      ],
      [
        'an unnamed 502',
        new SESv2ServiceException({ name: 'Unknown', $fault: 'server', ...meta(502), message: '' }),
      ],
      [
        'an error marked $retryable',
        Object.assign(
          new SESv2ServiceException({ name: 'Odd', $fault: 'client', ...meta(400), message: '' }),
          {
            $retryable: {},
          },
        ),
      ],
    ])('retries %s as transient', (_, err) => {
      expect(classifyError(err)).toMatchObject({ retryable: true, kind: 'transient' });
    });

    it.each([
      ['MessageRejected', new MessageRejected({ ...meta(400), message: 'Email address is not verified.' })],
      ['BadRequestException', new BadRequestException({ ...meta(400), message: 'Illegal address' })],
      [
        'NotFoundException',
        new NotFoundException({ ...meta(404), message: 'Configuration set does not exist' }),
      ],
      ['ConditionalCheckFailedException', new ConditionalCheckFailedException({ ...meta(400), message: '' })],
    ])('does not retry %s', (name, err) => {
      expect(classifyError(err)).toEqual({
        retryable: false,
        kind: 'permanent',
        reason: expect.stringContaining(name.split(' ').pop()!),
      });
    });

    it.each([
      [
        'MailFromDomainNotVerifiedException',
        new MailFromDomainNotVerifiedException({ ...meta(400), message: '' }),
      ],
      ['AccountSuspendedException', new AccountSuspendedException({ ...meta(400), message: '' })],
      ['SendingPausedException', new SendingPausedException({ ...meta(400), message: '' })],
      [
        'AccessDeniedException',
        new SESv2ServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          ...meta(400),
          message: '',
        }),
      ],
      [
        'an unknown 403',
        new SESv2ServiceException({ name: 'Nope', $fault: 'client', ...meta(403), message: '' }),
      ],
    ])('retries %s as an account fault, not a verdict on the mail', (name, err) => {
      expect(classifyError(err)).toEqual({
        retryable: true,
        kind: 'account',
        reason: expect.stringContaining(name.split(' ').pop()!),
      });
    });
  });

  describe('cancelled DynamoDB transactions', () => {
    const cancelled = (...codes: string[]) =>
      new TransactionCanceledException({
        ...meta(400),
        message: 'Transaction cancelled',
        CancellationReasons: codes.map((Code) => ({ Code })),
      });

    it('retries a transaction conflict', () => {
      expect(classifyError(cancelled('None', 'TransactionConflict'))).toMatchObject({
        retryable: true,
        kind: 'transient',
      });
    });

    it('does not retry a failed condition', () => {
      expect(classifyError(cancelled('ConditionalCheckFailed', 'None'))).toEqual({
        retryable: false,
        kind: 'permanent',
        reason: 'AWS TransactionCanceledException (ConditionalCheckFailed)',
      });
    });
  });

  describe('SendGrid ResponseError (@sendgrid/mail)', () => {
    it('retries 429 and 5xx', () => {
      expect(classifyError(sendGridError(429, 'Too Many Requests', 'too many requests'))).toMatchObject({
        retryable: true,
        kind: 'throttling',
      });
      for (const status of [500, 502, 503, 504]) {
        expect(classifyError(sendGridError(status, 'Server Error', 'internal'))).toMatchObject({
          retryable: true,
          kind: 'transient',
        });
      }
    });

    it.each([401, 403])('retries %d (the key or its permissions) as an account fault', (status) => {
      expect(classifyError(sendGridError(status, 'Unauthorized', 'bad key'))).toMatchObject({
        retryable: true,
        kind: 'account',
      });
    });

    it.each([400, 413])('does not retry %d, and gives SendGrid’s reason', (status) => {
      const verdict = classifyError(
        sendGridError(status, 'Bad', 'The from address does not match a verified Sender Identity.'),
      );
      expect(verdict).toMatchObject({ retryable: false, kind: 'permanent' });
      expect(verdict.reason).toContain(`SendGrid ${status}`);
      expect(verdict.reason).toContain('verified Sender Identity');
    });
  });

  describe('network errors', () => {
    it('retries a real ECONNREFUSED from a socket', async () => {
      const err = await refusedConnection();
      expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      expect(classifyError(err)).toEqual({
        retryable: true,
        kind: 'transient',
        reason: 'network ECONNREFUSED',
      });
    });

    it('retries fetch failures by their cause', async () => {
      const server = createServer().listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as { port: number };
      server.close();
      await once(server, 'close');
      const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(classifyError(err)).toMatchObject({ retryable: true, kind: 'transient' });
    });

    it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])('retries %s', (code) => {
      expect(classifyError(Object.assign(new Error(code), { code }))).toMatchObject({ retryable: true });
    });

    it('retries socket hang up, AbortError and TimeoutError', () => {
      expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject(
        {
          retryable: true,
        },
      );
      expect(classifyError(new Error('socket hang up'))).toMatchObject({
        retryable: true,
        reason: 'socket hang up',
      });
      expect(classifyError(new DOMException('This operation was aborted', 'AbortError'))).toMatchObject({
        retryable: true,
        kind: 'transient',
      });
      expect(classifyError(new DOMException('The operation timed out.', 'TimeoutError'))).toMatchObject({
        retryable: true,
        kind: 'transient',
      });
    });
  });

  describe('unknown errors', () => {
    it('retries them (mail is not dropped on a surprise; maxReceiveCount bounds the cost)', () => {
      expect(classifyError(new TypeError('x is not a function'))).toEqual({
        retryable: true,
        kind: 'unknown',
        reason: 'unclassified TypeError',
      });
      expect(classifyError('a thrown string')).toMatchObject({ retryable: true, kind: 'unknown' });
      expect(classifyError(undefined)).toMatchObject({ retryable: true, kind: 'unknown' });
    });
  });
});
