import { generateKeyPairSync, sign } from 'node:crypto';

/** A P-256 key pair and a signer that signs as SendGrid does: timestamp, then the raw body. */
export function testSigner() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyBase64 = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const signBatch = (timestamp: string, body: Buffer): string =>
    sign('sha256', Buffer.concat([Buffer.from(timestamp), body]), {
      key: privateKey,
      dsaEncoding: 'der',
    }).toString('base64');
  return { publicKey, publicKeyBase64, signBatch };
}
