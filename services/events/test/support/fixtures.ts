import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', 'fixtures');

/** A fixture's bytes, exactly as stored. */
export const fixtureBytes = (path: string): Buffer => readFileSync(join(dir, path));

/** A JSON fixture, without the UTF-8 byte order mark some sources start with. */
export const fixtureJson = <T = unknown>(path: string): T =>
  JSON.parse(
    fixtureBytes(path)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  ) as T;

export interface SignedVector {
  public_key: string;
  signature: string;
  timestamp: string;
  negative_cases: { wrong_public_key: string; wrong_signature: string };
}

/** SendGrid's published Signed Event Webhook vector and the exact body it signs. */
export const signedVector = () => ({
  vector: fixtureJson<SignedVector>('sendgrid/signed-single.json'),
  body: fixtureBytes('sendgrid/signed-single.payload.bin'),
});
