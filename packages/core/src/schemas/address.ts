import { z } from 'zod';
import { CR_OR_LF, headerSafeString } from './common';

/**
 * 254 = the 256-octet SMTP path limit minus the angle brackets (RFC 5321 §4.5.3.1.3). zod's email pattern
 * is deliberately conservative (ASCII, dotted domain with a letters-only TLD): it refuses quoted local parts
 * and bare hosts, which providers reject or mishandle anyway.
 */
// zod's default email pattern, except that the top-level label may be one letter long: the
// contract's own example address is "a@b.c".
const EMAIL_PATTERN =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]+$/;

export const EmailSchema = z
  .email({ pattern: EMAIL_PATTERN, error: 'must be a valid email address' })
  .max(254)
  .refine((s) => !CR_OR_LF.test(s), { error: 'email address must not contain CR or LF' })
  .meta({ id: 'Email', description: 'An email address (addr-spec), e.g. "ana@example.com".' });

/**
 * A display name is put in a header, so besides CR/LF we refuse `"` and `\`: with those gone, a renderer
 * can always emit `"<name>" <email>` (RFC 5322 §3.2.4 quoted-string) without a name breaking out of its
 * quotes and smuggling in another address. Non-ASCII is fine: renderers encode it (RFC 2047), as SES asks
 * (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html, FromEmailAddress).
 */
export const DisplayNameSchema = headerSafeString('display name')
  .min(1)
  .max(256)
  .refine((s) => !/["\\]/.test(s), { error: 'display name must not contain " or \\' })
  .meta({ description: 'Display name, up to 256 characters.' });

export const AddressObjectSchema = z
  .strictObject({ email: EmailSchema, name: DisplayNameSchema.optional() })
  .meta({ id: 'AddressObject', description: 'An address with an optional display name.' });

export const AddressSchema = z.union([EmailSchema, AddressObjectSchema]).meta({
  id: 'Address',
  description: 'An email address, either "ana@example.com" or {"email": "ana@example.com", "name": "Ana"}.',
});
export type Address = z.infer<typeof AddressSchema>;
export type AddressObject = z.infer<typeof AddressObjectSchema>;

/** The object form of an address, so consumers handle one shape. */
export const normalizeAddress = (address: Address): AddressObject =>
  typeof address === 'string' ? { email: address } : address;
