import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import {
  postSignedWebhook,
  signatureHeader,
  verifySignatureHeader,
  WebhookRejectedError,
  WebhookUnavailableError,
} from '../../src';
import { listenOnLoopback, silentServer } from '../../src/testing';

const secret = 'whsec_test';
const body = '{"id":"01J","status":"delivered","subject":"件名"}';
const at = new Date('2026-12-03T10:00:00Z');

describe('Mailroom-Signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">', () => {
    const t = at.getTime() / 1000;
    const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(secret, body, at)).toBe(`t=${t},v1=${v1}`);
  });

  it('verifies what it signs, over bytes or text alike', () => {
    const header = signatureHeader(secret, body, at);
    expect(verifySignatureHeader(header, body, secret, { now: at })).toBe(true);
    expect(verifySignatureHeader(header, Buffer.from(body), secret, { now: at })).toBe(true);
  });

  it('refuses another body, another secret, a stale or missing header and garbage', () => {
    const header = signatureHeader(secret, body, at);
    const later = new Date(at.getTime() + 301_000);
    expect(verifySignatureHeader(header, `${body} `, secret, { now: at })).toBe(false);
    expect(verifySignatureHeader(header, body, 'other', { now: at })).toBe(false);
    expect(verifySignatureHeader(header, body, secret, { now: later })).toBe(false);
    expect(verifySignatureHeader(header, body, secret, { now: later, toleranceSeconds: 0 })).toBe(true);
    expect(verifySignatureHeader(undefined, body, secret)).toBe(false);
    expect(verifySignatureHeader('t=abc,v1=00', body, secret, { now: at })).toBe(false);
    expect(verifySignatureHeader(header.replace(/v1=../, 'v1=zz'), body, secret, { now: at })).toBe(false);
  });
});

describe('postSignedWebhook', () => {
  const receiver = async (status: number) => {
    const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = await listenOnLoopback(
      createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 400 ? 'nope' : '');
        });
      }),
    );
    return { server, seen };
  };

  it('POSTs the body signed, and resolves on 2xx', async () => {
    const { server, seen } = await receiver(204);
    try {
      await expect(postSignedWebhook({ url: server.url, secret, body })).resolves.toEqual({ status: 204 });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.body).toBe(body);
      expect(verifySignatureHeader(String(seen[0]!.headers['mailroom-signature']), body, secret)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it.each([
    [400, WebhookRejectedError],
    [410, WebhookRejectedError],
    [408, WebhookUnavailableError],
    [429, WebhookUnavailableError],
    [500, WebhookUnavailableError],
    [302, WebhookUnavailableError],
  ])('answers %i as %p', async (status, kind) => {
    const { server } = await receiver(status);
    try {
      const err = await postSignedWebhook({ url: server.url, secret, body }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(kind);
      expect((err as Error).message).toContain(String(status));
    } finally {
      await server.close();
    }
  });

  it('treats a receiver that never answers as unavailable', async () => {
    const server = await silentServer();
    try {
      const err = await postSignedWebhook({ url: server.url, secret, body, timeoutMs: 200 }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WebhookUnavailableError);
    } finally {
      await server.close();
    }
  });
});
