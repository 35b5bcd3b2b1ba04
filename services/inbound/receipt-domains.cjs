'use strict';
/**
 * The `inboundDomains` param as serverless.yml's receipt rules read it (`inboundDomainSlots`): the comma
 * list padded to RECEIPT_RULE_SLOTS entries, so every `!Select` finds one (empty or not). A list the
 * rules cannot hold fails `serverless package` and deploy with an error saying why, rather than leaving
 * a domain without a rule: more domains than slots, an entry that is not a domain name, a repeat.
 */

/** ReceiptRule1–5 in serverless.yml: one rule per domain. */
const RECEIPT_RULE_SLOTS = 5;
/** A DNS name of letters, digits and hyphens in dot-separated labels (what SES receives mail for). */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const domainSlots = (list) => {
  const text = String(list ?? '').trim();
  const domains = text === '' ? [] : text.split(',');
  const bad = domains.filter((d) => !DOMAIN.test(d));
  if (bad.length) {
    throw new Error(
      `inboundDomains: ${bad.map((d) => JSON.stringify(d)).join(', ')} is not a domain name ` +
        '(a comma list with no spaces, e.g. in.acme.example,in.globex.example)',
    );
  }
  const lower = domains.map((d) => d.toLowerCase());
  const repeated = lower.filter((d, i) => lower.indexOf(d) !== i);
  if (repeated.length) throw new Error(`inboundDomains names ${repeated[0]} more than once`);
  if (domains.length > RECEIPT_RULE_SLOTS) {
    throw new Error(
      `inboundDomains names ${domains.length} domains, but the receipt rule set has ${RECEIPT_RULE_SLOTS} ` +
        `rules (ReceiptRule1–${RECEIPT_RULE_SLOTS} in services/inbound/serverless.yml), so ` +
        `${domains.slice(RECEIPT_RULE_SLOTS).join(', ')} would receive no mail: add rules there, or ` +
        'receive on fewer domains',
    );
  }
  return [...domains, ...Array(RECEIPT_RULE_SLOTS - domains.length).fill('')].join(',');
};

/** Serverless's file variable: `${file(./receipt-domains.cjs):slots}`. */
const slots = async ({ resolveConfigurationProperty }) =>
  domainSlots(await resolveConfigurationProperty(['custom', 'inboundDomains']));

module.exports = { RECEIPT_RULE_SLOTS, domainSlots, slots };
