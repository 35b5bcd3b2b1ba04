import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { listQuerySchema } from '../lists/limit';

/**
 * Sending domains (docs/contract.md, `/v1/domains`). One spelling per domain, so a domain is one key in
 * the tenants table whatever the client typed: lower case, no trailing dot, and internationalised names
 * (IDN) in their ASCII form (punycode, `bücher.example` → `xn--bcher-kva.example`) — the form DNS and SES
 * use, and the only form a `from` address can carry (EmailSchema is ASCII).
 */

// A DNS label: letters, digits and inner hyphens, at most 63 characters (RFC 1035 §2.3.1, RFC 1123 §2.1).
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// At least two labels, and a top-level label of letters only: the same rule as EmailSchema's domain part,
// so every domain this accepts can appear in a `from` address (IDN top-level domains cannot, and are refused).
const DOMAIN_PATTERN = new RegExp(`^(?:${LABEL}\\.)+[a-z]{1,63}$`);
/** A name's total length in presentation form, without the trailing dot (RFC 1035 §2.3.4: 255 octets on the wire). */
export const MAX_DOMAIN_LENGTH = 253;

/** The canonical spelling of `input`, or undefined when it is not a domain Mailroom can send from. */
export function normalizeDomain(input: string): string | undefined {
  // domainToASCII lower-cases, converts IDN labels (UTS #46) and answers '' for what cannot be a host name.
  let ascii = domainToASCII(input.trim());
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  return ascii.length <= MAX_DOMAIN_LENGTH && DOMAIN_PATTERN.test(ascii) ? ascii : undefined;
}

export const DomainNameSchema = z
  .string()
  .max(MAX_DOMAIN_LENGTH * 4) // an IDN's Unicode form; the ASCII form is checked after conversion
  .transform((raw, ctx) => {
    const domain = normalizeDomain(raw);
    if (domain === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a domain name such as "mail.example.com" (at least two labels, a letters-only top level)',
      });
      return z.NEVER;
    }
    return domain;
  })
  .meta({
    id: 'DomainName',
    description: 'A domain name; stored lower-case, without a trailing dot, IDN as punycode.',
  });

/** The domain of an email address, lower-cased (`Shop@Mail.Acme.Example` → `mail.acme.example`). */
export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * `domain` and each parent that could be a sending domain (two labels or more), nearest first:
 * `a.mail.acme.example` → `[a.mail.acme.example, mail.acme.example, acme.example]`. A parent is a whole
 * label suffix, so `evilacme.example` is never under `acme.example`.
 */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** Whether `domain` is `parent` or lies under it (label by label). */
export const isSameOrSubdomain = (domain: string, parent: string): boolean =>
  domain === parent || domain.endsWith(`.${parent}`);

/**
 * Tags on the SES identity of every domain Mailroom creates (docs/design-notes.md): whose it is, so an
 * identity that already exists in the account is taken over only by the stage and tenant that made it.
 */
export const SES_IDENTITY_TAGS = { stage: 'mailroom:stage', tenant: 'mailroom:tenant' } as const;

/**
 * `POST /v1/domains` body: `{"domain", "mailFrom"?}` (docs/contract.md). Here rather than in outbound, which
 * validates with it, because the api service's OpenAPI document is built from it too.
 */
export const AddDomainRequestSchema = z
  .strictObject({
    domain: DomainNameSchema,
    /** A custom MAIL FROM domain: a subdomain of `domain`, e.g. `bounce.mail.acme.example`. */
    mailFrom: DomainNameSchema.optional(),
  })
  .meta({
    id: 'AddDomainRequest',
    description: 'A sending domain to add, with an optional MAIL FROM domain.',
  });
export type AddDomainRequest = z.infer<typeof AddDomainRequestSchema>;

/** `GET /v1/domains` query: the contract's list parameters only (docs/api-lists.md). */
export const ListDomainsQuerySchema = listQuerySchema({});
export type ListDomainsQuery = z.infer<typeof ListDomainsQuerySchema>;
