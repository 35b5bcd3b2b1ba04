import { createVerify, type KeyObject } from 'node:crypto';
import { UnauthorizedError, ValidationError } from '@mailroom/core';

/** The Signed Event Webhook's headers (docs/events.md, "Verification"). */
export const SIGNATURE_HEADER = 'X-Twilio-Email-Event-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Twilio-Email-Event-Webhook-Timestamp';

export interface SignedBatch {
  /** The two headers' values, as received (undefined when absent). */
  signature: string | undefined;
  timestamp: string | undefined;
  /** The body's bytes exactly as received: re-serialised JSON would not verify. */
  body: Buffer;
}

export interface VerifyOptions {
  publicKey: KeyObject;
  /** Largest accepted distance between the timestamp and now, in seconds; 0 turns the check off. */
  maxAgeSeconds: number;
  now?: () => Date;
}

const UNIX_SECONDS = /^\d{1,12}$/;
// Base64 of a DER ECDSA P-256 signature is at most 96 characters; anything much longer is not one.
const MAX_SIGNATURE_CHARS = 200;

/**
 * Checks SendGrid's signature — ECDSA P-256 with SHA-256 over the timestamp header followed by the raw
 * body — and the timestamp's age, then parses the body. Refuses with 401 (`AUTH.UNAUTHORIZED`) when a
 * header is missing, the signature does not verify or the timestamp is stale, and with 400
 * (`REQUEST.INVALID`) when a verified body is not a JSON array. Returns the array's elements, unchecked:
 * normalising them is the tracker's job.
 */
export function verifySignedBatch(batch: SignedBatch, options: VerifyOptions): unknown[] {
  const signature = batch.signature?.trim();
  const timestamp = batch.timestamp?.trim();
  if (!signature || !timestamp) {
    throw new UnauthorizedError(`${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} are required`);
  }
  if (!UNIX_SECONDS.test(timestamp)) throw new UnauthorizedError(`${TIMESTAMP_HEADER} is not unix seconds`);
  if (options.maxAgeSeconds > 0) {
    const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
    // A timestamp far in the future is refused too: it would stay replayable for longer than allowed.
    if (Math.abs(nowSeconds - Number(timestamp)) > options.maxAgeSeconds) {
      throw new UnauthorizedError(`${TIMESTAMP_HEADER} is more than ${options.maxAgeSeconds} s from now`);
    }
  }
  if (
    signature.length > MAX_SIGNATURE_CHARS ||
    !verifies(batch.body, timestamp, signature, options.publicKey)
  ) {
    throw new UnauthorizedError('the event webhook signature does not verify');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(batch.body.toString('utf8'));
  } catch (err) {
    throw new ValidationError(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ValidationError('request body is not a JSON array of events');
  return parsed;
}

function verifies(body: Buffer, timestamp: string, signature: string, publicKey: KeyObject): boolean {
  // Hashed in two updates: the same digest as over the concatenation, without copying the body.
  const verifier = createVerify('sha256').update(timestamp, 'utf8').update(body);
  try {
    return verifier.verify({ key: publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    // A malformed DER signature throws rather than returning false; to the caller it is just bad.
    return false;
  }
}
