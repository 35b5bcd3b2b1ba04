import { ConfigError } from '@mailroom/core';
import { invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sendGridWebhookHandler } from '../../src/functions/sendgrid-webhook/handler';
import type { WebhookDeps } from '../../src/receive-webhook';
import { sendGridPublicKey } from '../../src/webhook/public-key';
import { signedVector } from '../support/fixtures';
import { InMemoryEventStream } from '../support/memory-stream';
import { testSigner } from '../support/signing';

const { vector, body: vectorBody } = signedVector();
const NOW = new Date('2026-12-01T10:00:00Z');
const nowSeconds = String(NOW.getTime() / 1000);
const signer = testSigner();

const setup = (stream = new InMemoryEventStream(), overrides: Partial<WebhookDeps> = {}) => {
  const deps: WebhookDeps = {
    publicKey: async () => signer.publicKey,
    stream,
    maxAgeSeconds: 600,
    now: () => NOW,
    put: { sleep: async () => undefined },
    ...overrides,
  };
  return { stream, invoke: invokeHttp(sendGridWebhookHandler(async () => deps)) };
};

const request = (
  body: string,
  headers: Record<string, string | undefined>,
  isBase64Encoded = false,
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    rawPath: '/webhooks/sendgrid',
    requestContext: { http: { method: 'POST', path: '/webhooks/sendgrid' } },
    headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)),
    body,
    isBase64Encoded,
  }) as unknown as APIGatewayProxyEventV2;

/** A batch signed now by the test key, with API Gateway's lower-cased header names. */
const signed = (body: string, timestamp = nowSeconds) =>
  request(body, {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-timestamp': timestamp,
    'x-twilio-email-event-webhook-signature': signer.signBatch(timestamp, Buffer.from(body)),
  });

const events = [
  { email: 'a@example.com', event: 'delivered', sg_event_id: 'e1', timestamp: 1764583200 },
  { email: 'b@example.com', event: 'open', sg_event_id: 'e2', timestamp: 1764583201 },
];
const errorCode = (res: { body?: string }) =>
  (JSON.parse(res.body ?? '{}') as { error: { code: string } }).error.code;

describe('POST /webhooks/sendgrid', () => {
  it('answers 204 once the stream has every event, one NDJSON line each', async () => {
    const { stream, invoke } = setup();
    const res = await invoke(signed(JSON.stringify(events)));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(stream.accepted).toEqual(events.map((e) => `${JSON.stringify(e)}\n`));
  });

  it('accepts SendGrid’s published signed vector with its own key', async () => {
    const { stream, invoke } = setup(undefined, {
      publicKey: async () => sendGridPublicKey(vector.public_key),
      now: () => new Date((Number(vector.timestamp) + 60) * 1000),
    });
    const res = await invoke(
      request(
        vectorBody.toString('base64'),
        {
          'x-twilio-email-event-webhook-signature': vector.signature,
          'x-twilio-email-event-webhook-timestamp': vector.timestamp,
        },
        true,
      ),
    );
    expect(res.statusCode).toBe(204);
    expect(stream.events()).toEqual([
      expect.objectContaining({ event: 'dropped', email: 'hello@world.com' }),
    ]);
  });

  it('answers 204 to an empty array without calling the stream', async () => {
    const { stream, invoke } = setup();
    expect((await invoke(signed('[]'))).statusCode).toBe(204);
    expect(stream.calls).toHaveLength(0);
  });

  describe('refusals: nothing reaches the stream', () => {
    const body = JSON.stringify(events);
    const cases: Array<[string, () => APIGatewayProxyEventV2, number, string]> = [
      [
        'one flipped byte in the body',
        () => {
          const good = signed(body);
          return { ...good, body: body.replace('delivered', 'delivereD') };
        },
        401,
        'AUTH.UNAUTHORIZED',
      ],
      [
        'no signature header',
        () => ({ ...signed(body), headers: { 'x-twilio-email-event-webhook-timestamp': nowSeconds } }),
        401,
        'AUTH.UNAUTHORIZED',
      ],
      [
        'no timestamp header',
        () => {
          const good = signed(body);
          const { 'x-twilio-email-event-webhook-timestamp': _t, ...headers } = good.headers;
          return { ...good, headers };
        },
        401,
        'AUTH.UNAUTHORIZED',
      ],
      [
        'a timestamp changed after signing',
        () => {
          const good = signed(body);
          return {
            ...good,
            headers: {
              ...good.headers,
              'x-twilio-email-event-webhook-timestamp': String(Number(nowSeconds) - 1),
            },
          };
        },
        401,
        'AUTH.UNAUTHORIZED',
      ],
      [
        'a stale timestamp (signed 601 s ago)',
        () => signed(body, String(Number(nowSeconds) - 601)),
        401,
        'AUTH.UNAUTHORIZED',
      ],
      [
        'a signature by another key',
        () => {
          const other = testSigner();
          const good = signed(body);
          return {
            ...good,
            headers: {
              ...good.headers,
              'x-twilio-email-event-webhook-signature': other.signBatch(nowSeconds, Buffer.from(body)),
            },
          };
        },
        401,
        'AUTH.UNAUTHORIZED',
      ],
      ['a body over 1 MiB', () => signed(`[${' '.repeat(1024 * 1024)}]`), 413, 'REQUEST.TOO_LARGE'],
      [
        'a base64 body over 1 MiB',
        () => request(Buffer.alloc(1024 * 1024 + 1, 0x20).toString('base64'), signed('[]').headers, true),
        413,
        'REQUEST.TOO_LARGE',
      ],
      [
        'a signed body that is a JSON object',
        () => signed(JSON.stringify(events[0])),
        400,
        'REQUEST.INVALID',
      ],
      ['a signed body that is not JSON', () => signed('[{"event":'), 400, 'REQUEST.INVALID'],
    ];
    it.each(cases)('refuses %s with %i', async (_name, build, status, code) => {
      const { stream, invoke } = setup();
      const res = await invoke(build());
      expect(res.statusCode).toBe(status);
      expect(errorCode(res)).toBe(code);
      expect(stream.calls).toHaveLength(0);
    });

    it('refuses an oversize body before reading the key', async () => {
      const publicKey = jest.fn(async () => signer.publicKey);
      const { invoke } = setup(undefined, { publicKey });
      expect((await invoke(signed(`[${' '.repeat(1024 * 1024)}]`))).statusCode).toBe(413);
      expect(publicKey).not.toHaveBeenCalled();
    });
  });

  it('answers 204 after putting again only the records the stream failed', async () => {
    const stream = new InMemoryEventStream((line, tries) =>
      line.includes('"e2"') && tries === 0 ? 'ServiceUnavailableException' : undefined,
    );
    const { invoke } = setup(stream);
    expect((await invoke(signed(JSON.stringify(events)))).statusCode).toBe(204);
    expect(stream.calls.map((c) => c.length)).toEqual([2, 1]);
    expect(stream.accepted).toHaveLength(2);
  });

  it('answers 503 EVENTS.STREAM_UNAVAILABLE, without internals, while the stream keeps failing a record', async () => {
    const stream = new InMemoryEventStream((line) =>
      line.includes('"e2"') ? 'ServiceUnavailableException' : undefined,
    );
    const { invoke } = setup(stream);
    const res = await invoke(signed(JSON.stringify(events)));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body!)).toEqual({
      error: { code: 'EVENTS.STREAM_UNAVAILABLE', message: 'Internal error' },
    });
  });

  it('answers 500 CONFIG.INVALID when the key cannot be had, putting nothing', async () => {
    const { stream, invoke } = setup(undefined, {
      publicKey: async () => {
        throw new ConfigError('no key');
      },
    });
    const res = await invoke(signed(JSON.stringify(events)));
    expect(res.statusCode).toBe(500);
    expect(errorCode(res)).toBe('CONFIG.INVALID');
    expect(stream.calls).toHaveLength(0);
  });
});
