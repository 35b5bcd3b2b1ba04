/**
 * The dev tenants' verified sending domains (docs/contract.md, "Dev tenants"). Both halves of the local
 * cloud know them: the seed writes them to the tenants table as `verified`, and the SES stand-in's
 * account starts with them as verified identities — as a deployed account has its tenants' domains
 * verified — so every README example sends from them at once. Kept apart from seed.ts so the stand-in
 * (which starts before anything is seeded, and in the bench in a process of its own) needs no seeding.
 */
import { createHash } from 'node:crypto';
import { SES_IDENTITY_TAGS } from '@mailroom/core';

export const DEV_DOMAINS = [
  { domain: 'acme.localhost', tenantId: 'acme' },
  { domain: 'acme.example', tenantId: 'acme' },
  { domain: 'globex.localhost', tenantId: 'globex' },
  { domain: 'globex.example', tenantId: 'globex' },
] as const;

/** Stage of the local cloud's services (docs/design-notes.md). */
export const LOCAL_STAGE = 'local';

/**
 * Easy DKIM tokens as SES shapes them (32 characters of a–z and 2–7). The dev domains' tokens are derived
 * from the name, so the seed and the stand-in agree on them without talking to each other.
 */
export const presetDkimTokens = (domain: string): string[] =>
  [1, 2, 3].map((i) => base32(createHash('sha256').update(`${domain}#${i}`).digest()).slice(0, 32));

export function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff; // at most 12 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The dev domains as the SES stand-in's account holds them: verified, tagged with their tenant. */
export const devIdentities = () =>
  DEV_DOMAINS.map(({ domain, tenantId }) => ({
    identity: domain,
    dkimTokens: presetDkimTokens(domain),
    tags: { [SES_IDENTITY_TAGS.stage]: LOCAL_STAGE, [SES_IDENTITY_TAGS.tenant]: tenantId },
  }));
