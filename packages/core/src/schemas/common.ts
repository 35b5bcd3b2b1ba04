import { z } from 'zod';

/** Tenant ids appear in keys (`TENANT#<id>`), S3 prefixes and URLs: keep them boring. */
export const TenantIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, {
    error: 'must be 2–63 characters of a–z, 0–9 and "-", starting with a letter or digit',
  })
  .meta({ id: 'TenantId', description: 'Tenant id: 2–63 characters of a–z, 0–9 and "-".' });
export type TenantId = z.infer<typeof TenantIdSchema>;

export const UlidSchema = z.ulid().meta({ id: 'Ulid', description: 'A ULID (sortable by creation time).' });

/**
 * docs/contract.md: `Idempotency-Key` is optional and at most 128 characters. Printable ASCII only, because it
 * travels in an HTTP header and becomes part of a DynamoDB key.
 */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' })
  .meta({ id: 'IdempotencyKey', description: 'Client-chosen key that makes a send request idempotent.' });

export const ApiScopeSchema = z
  .enum(['send', 'read', 'admin'])
  .meta({ id: 'ApiScope', description: 'What an API key may do. Scopes do not imply one another.' });
export type ApiScope = z.infer<typeof ApiScopeSchema>;
export const API_SCOPES = ApiScopeSchema.options;

/** docs/contract.md: message statuses. Opens and clicks are events, not statuses. */
export const MessageStatusSchema = z
  .enum([
    'queued',
    'sending',
    'sent',
    'delivered',
    'deferred',
    'bounced',
    'dropped',
    'complained',
    'failed',
    'rejected',
    'suppressed',
  ])
  .meta({ id: 'MessageStatus', description: 'Where a message stands.' });
export type MessageStatus = z.infer<typeof MessageStatusSchema>;
export const MESSAGE_STATUSES = MessageStatusSchema.options;

export const ProviderSchema = z
  .enum(['ses', 'sendgrid'])
  .meta({ id: 'Provider', description: 'Which provider sends the mail.' });
export type Provider = z.infer<typeof ProviderSchema>;

/** C0 controls and DEL. CR and LF are how header injection works; the rest has no business in a header. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const OTHER_CONTROL_CHARS = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/;
export const CR_OR_LF = /[\r\n]/;

/** A string without CR/LF (header injection) or other control characters. */
export const headerSafeString = (what: string) =>
  z
    .string()
    .refine((s) => !CR_OR_LF.test(s), { error: `${what} must not contain CR or LF` })
    .refine((s) => !OTHER_CONTROL_CHARS.test(s), { error: `${what} must not contain control characters` });
