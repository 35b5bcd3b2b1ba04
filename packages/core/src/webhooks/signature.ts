import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `Mailroom-Signature` header on every webhook Mailroom sends (inbound routes, tenant status
 * webhooks): `t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>">` with the endpoint's secret.
 * Receivers recompute it over the body bytes exactly as received and reject old timestamps.
 */
export const SIGNATURE_HEADER = 'Mailroom-Signature';
/** How old a signature a receiver should accept by default (replay window). */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, t: number, body: string | Uint8Array): string =>
  createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

export const signatureHeader = (secret: string, body: string | Uint8Array, at: Date = new Date()): string => {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
};

export interface VerifyOptions {
  now?: Date;
  /** 0 turns the age check off. */
  toleranceSeconds?: number;
}

/** Whether `header` signs `body` with `secret` within the tolerance. Constant-time on the digest. */
export const verifySignatureHeader = (
  header: string | undefined,
  body: string | Uint8Array,
  secret: string,
  { now = new Date(), toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS }: VerifyOptions = {},
): boolean => {
  if (!header) return false;
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    fields.set(name, [...(fields.get(name) ?? []), part.slice(eq + 1).trim()]);
  }
  const t = Number(fields.get('t')?.[0]);
  if (!Number.isSafeInteger(t)) return false;
  if (toleranceSeconds > 0 && Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, t, body), 'hex');
  return (fields.get('v1') ?? []).some((v) => {
    const given = Buffer.from(v, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
};
