import { PayloadTooLargeError } from '@mailroom/core';

/** docs/contract.md, `POST /webhooks/sendgrid`: a body over 1 MiB is a 413. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface RawBody {
  body?: string | undefined;
  isBase64Encoded?: boolean | undefined;
}

/**
 * The request body's bytes exactly as sent, refusing a body over `maxBytes` before decoding it: the size
 * is worked out from the string's length (base64: 3 bytes per 4 characters; text: at least one UTF-8 byte
 * per UTF-16 unit), so an oversize body is never copied.
 */
export function rawBodyBytes({ body, isBase64Encoded }: RawBody, maxBytes = MAX_WEBHOOK_BODY_BYTES): Buffer {
  const raw = body ?? '';
  if (isBase64Encoded) {
    const padding = raw.endsWith('==') ? 2 : raw.endsWith('=') ? 1 : 0;
    const size = Math.floor((raw.length * 3) / 4) - padding;
    if (size > maxBytes) throw tooLarge(size, maxBytes);
    return Buffer.from(raw, 'base64');
  }
  if (raw.length > maxBytes) throw tooLarge(raw.length, maxBytes, 'at least ');
  const size = Buffer.byteLength(raw, 'utf8');
  if (size > maxBytes) throw tooLarge(size, maxBytes);
  return Buffer.from(raw, 'utf8');
}

const tooLarge = (size: number, maxBytes: number, qualifier = '') =>
  new PayloadTooLargeError(`request body is ${qualifier}${size} bytes; the limit is ${maxBytes}`);
