import { PayloadTooLargeError, UnauthorizedError, ValidationError, toHttpError } from '@mailroom/core';
import { sendGridPublicKey } from '../../src/webhook/public-key';
import { MAX_WEBHOOK_BODY_BYTES, rawBodyBytes } from '../../src/webhook/raw-body';
import { verifySignedBatch } from '../../src/webhook/verify';
import { signedVector } from '../support/fixtures';
import { testSigner } from '../support/signing';

const { vector, body } = signedVector();
const publicKey = sendGridPublicKey(vector.public_key);
// The vector was signed in 2020: pin "now" a minute after its timestamp.
const signedAt = new Date((Number(vector.timestamp) + 60) * 1000);
const options = { publicKey, maxAgeSeconds: 600, now: () => signedAt };
const batch = { signature: vector.signature, timestamp: vector.timestamp, body };

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return toHttpError(err);
  }
  throw new Error('expected a refusal');
};

describe('verifySignedBatch with SendGrid’s published vector', () => {
  it('verifies the vector and returns its one event', () => {
    const events = verifySignedBatch(batch, options);
    expect(events).toEqual([expect.objectContaining({ event: 'dropped', email: 'hello@world.com' })]);
  });

  it('verifies the vector with the age check off (0), whatever the clock says', () => {
    expect(verifySignedBatch(batch, { publicKey, maxAgeSeconds: 0 })).toHaveLength(1);
  });

  it('refuses the body with any one byte flipped', () => {
    for (const index of [0, 100, body.length - 3, body.length - 1]) {
      const flipped = Buffer.from(body);
      flipped[index] = flipped[index]! ^ 0x01;
      expect(() => verifySignedBatch({ ...batch, body: flipped }, options)).toThrow(UnauthorizedError);
    }
  });

  it('refuses the body without its trailing CRLF (the bytes as sent are what is signed)', () => {
    const trimmed = body.subarray(0, body.length - 2);
    expect(() => verifySignedBatch({ ...batch, body: trimmed }, options)).toThrow(UnauthorizedError);
  });

  it('refuses a missing signature or timestamp header with 401 AUTH.UNAUTHORIZED', () => {
    for (const missing of [
      { ...batch, signature: undefined },
      { ...batch, timestamp: undefined },
      { ...batch, signature: '' },
    ]) {
      expect(refusal(() => verifySignedBatch(missing, options))).toEqual({
        statusCode: 401,
        body: { error: expect.objectContaining({ code: 'AUTH.UNAUTHORIZED' }) },
      });
    }
  });

  it('refuses a changed timestamp, even one still within the age limit', () => {
    const changed = String(Number(vector.timestamp) + 1);
    expect(() => verifySignedBatch({ ...batch, timestamp: changed }, options)).toThrow(UnauthorizedError);
  });

  it('refuses a timestamp that is not unix seconds', () => {
    expect(() => verifySignedBatch({ ...batch, timestamp: 'timestamp' }, options)).toThrow(UnauthorizedError);
  });

  it('refuses the valid vector once its timestamp is older than the limit', () => {
    const late = () => new Date((Number(vector.timestamp) + 601) * 1000);
    expect(() => verifySignedBatch(batch, { ...options, now: late })).toThrow(UnauthorizedError);
  });

  it('refuses a timestamp further in the future than the limit', () => {
    const early = () => new Date((Number(vector.timestamp) - 601) * 1000);
    expect(() => verifySignedBatch(batch, { ...options, now: early })).toThrow(UnauthorizedError);
  });

  it('refuses SendGrid’s negative cases: another key, another signature, garbage', () => {
    const otherKey = sendGridPublicKey(vector.negative_cases.wrong_public_key);
    expect(() => verifySignedBatch(batch, { ...options, publicKey: otherKey })).toThrow(UnauthorizedError);
    const wrong = vector.negative_cases.wrong_signature;
    expect(() => verifySignedBatch({ ...batch, signature: wrong }, options)).toThrow(UnauthorizedError);
    expect(() => verifySignedBatch({ ...batch, signature: 'bm90IGEgc2lnbmF0dXJl' }, options)).toThrow(
      UnauthorizedError,
    );
  });
});

describe('verifySignedBatch with a key of our own', () => {
  const signer = testSigner();
  const now = new Date('2026-12-01T12:00:00Z');
  const timestamp = String(now.getTime() / 1000);
  const ours = { publicKey: signer.publicKey, maxAgeSeconds: 600, now: () => now };

  it('refuses a correctly signed body that is not a JSON array with 400 REQUEST.INVALID', () => {
    for (const text of ['{"event":"delivered"}', '"x"', 'null', '[{"event":']) {
      const signedBody = Buffer.from(text);
      const signature = signer.signBatch(timestamp, signedBody);
      expect(refusal(() => verifySignedBatch({ signature, timestamp, body: signedBody }, ours))).toEqual({
        statusCode: 400,
        body: { error: expect.objectContaining({ code: 'REQUEST.INVALID' }) },
      });
    }
  });

  it('checks the signature before parsing: an unsigned non-array is a 401, not a 400', () => {
    const unsigned = Buffer.from('{}');
    const signature = signer.signBatch(timestamp, Buffer.from('[]'));
    expect(() => verifySignedBatch({ signature, timestamp, body: unsigned }, ours)).toThrow(
      UnauthorizedError,
    );
    expect(() => verifySignedBatch({ signature, timestamp, body: unsigned }, ours)).not.toThrow(
      ValidationError,
    );
  });
});

describe('rawBodyBytes', () => {
  it('returns the bytes as sent, text or base64', () => {
    expect(rawBodyBytes({ body: body.toString('utf8') })).toEqual(body);
    expect(rawBodyBytes({ body: body.toString('base64'), isBase64Encoded: true })).toEqual(body);
  });

  it('accepts exactly 1 MiB and refuses one byte more with 413 REQUEST.TOO_LARGE', () => {
    const limit = 'x'.repeat(MAX_WEBHOOK_BODY_BYTES);
    expect(rawBodyBytes({ body: limit })).toHaveLength(MAX_WEBHOOK_BODY_BYTES);
    expect(refusal(() => rawBodyBytes({ body: `${limit}x` }))).toEqual({
      statusCode: 413,
      body: { error: expect.objectContaining({ code: 'REQUEST.TOO_LARGE' }) },
    });
  });

  it('counts UTF-8 bytes, not characters', () => {
    const accents = 'é'.repeat(MAX_WEBHOOK_BODY_BYTES / 2 + 1);
    expect(() => rawBodyBytes({ body: accents })).toThrow(PayloadTooLargeError);
  });

  it('refuses an oversize base64 body from its length, without decoding it', () => {
    const big = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1).toString('base64');
    const decode = jest.spyOn(Buffer, 'from');
    expect(() => rawBodyBytes({ body: big, isBase64Encoded: true })).toThrow(PayloadTooLargeError);
    expect(decode).not.toHaveBeenCalled();
    decode.mockRestore();
    const exact = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES).toString('base64');
    expect(rawBodyBytes({ body: exact, isBase64Encoded: true })).toHaveLength(MAX_WEBHOOK_BODY_BYTES);
  });
});

describe('sendGridPublicKey', () => {
  it('refuses a key that is not P-256 SPKI as a configuration error', () => {
    expect(() => sendGridPublicKey('bm90IGEga2V5')).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY/);
  });
});
