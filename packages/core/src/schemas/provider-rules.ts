import { type ErrorDetail, ValidationError } from '../errors';
import { normalizeAddress, type Address } from './address';
import type { Provider } from './common';
import { SENDGRID_MAX_CATEGORIES, SENDGRID_MAX_CATEGORY_LENGTH } from './limits';

/**
 * Rules that hold for one provider only, so the request schema (which does not know the provider) cannot
 * check them. The HTTP layer checks them once it knows which provider will send (a 400 before the 202,
 * never a failure after it); the send side checks the same rules before calling the provider.
 *
 * SendGrid:
 * - no `,` or `;` in a to/cc/bcc display name: SendGrid takes the mail and then drops it as "Invalid"
 *   (https://www.twilio.com/docs/sendgrid/api-reference/mail-send#limitations,
 *   https://github.com/sendgrid/sendgrid-python/issues/291). There is no escaping it: SendGrid's API
 *   takes the name as plain text.
 * - tags travel as categories `name:value`: at most 10, each at most 255 characters (limits.ts).
 * An address given twice across to, cc and bcc is not an error: the SendGrid adapter sends it once.
 * The 30 MB size limit is `assertMessageSize`'s, with `provider`.
 */
export interface ProviderRuleSubject {
  to: readonly Address[];
  cc?: readonly Address[] | undefined;
  bcc?: readonly Address[] | undefined;
  tags?: Readonly<Record<string, string>> | undefined;
}

const LIMITATIONS = 'https://www.twilio.com/docs/sendgrid/api-reference/mail-send#limitations';

function sendGridDetails(msg: ProviderRuleSubject): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const field of ['to', 'cc', 'bcc'] as const) {
    (msg[field] ?? []).forEach((address, i) => {
      const { name } = normalizeAddress(address);
      if (name !== undefined && /[,;]/.test(name)) {
        details.push({
          path: `${field}[${i}].name`,
          message: `SendGrid does not deliver to a recipient whose name contains "," or ";" (${LIMITATIONS})`,
        });
      }
    });
  }
  const tags = Object.entries(msg.tags ?? {});
  if (tags.length > SENDGRID_MAX_CATEGORIES) {
    details.push({
      path: 'tags',
      message: `SendGrid carries tags as categories, at most ${SENDGRID_MAX_CATEGORIES} per message; got ${tags.length}`,
    });
  }
  for (const [name, value] of tags) {
    const length = name.length + 1 + value.length;
    if (length > SENDGRID_MAX_CATEGORY_LENGTH) {
      details.push({
        path: `tags.${name}`,
        message: `SendGrid carries a tag as the category "name:value", at most ${SENDGRID_MAX_CATEGORY_LENGTH} characters; this one is ${length}`,
      });
    }
  }
  return details;
}

/** What in `msg` the provider would refuse or lose, as contract error details; empty when nothing. */
export const providerRuleDetails = (msg: ProviderRuleSubject, provider: Provider): ErrorDetail[] =>
  provider === 'sendgrid' ? sendGridDetails(msg) : [];

/** ValidationError (400) naming every rule of `provider` that `msg` breaks. */
export function assertProviderRules(msg: ProviderRuleSubject, provider: Provider): void {
  const details = providerRuleDetails(msg, provider);
  if (details.length > 0) {
    throw new ValidationError(`The message cannot be sent through ${provider}`, { details });
  }
}
