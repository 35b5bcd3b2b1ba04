import { createPublicKey, type KeyObject } from 'node:crypto';
import { ConfigError } from '@mailroom/core';

/**
 * SendGrid's verification key as a KeyObject. SendGrid shows it as base64 of the DER SubjectPublicKeyInfo
 * of a P-256 key (https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features).
 * Parsed once at cold start; anything else is a configuration error, not a refused request.
 */
export function sendGridPublicKey(base64Der: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(base64Der.trim(), 'base64'), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new ConfigError('SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 DER public key', { cause });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError('SENDGRID_WEBHOOK_PUBLIC_KEY is not a P-256 (prime256v1) EC key');
  }
  return key;
}
