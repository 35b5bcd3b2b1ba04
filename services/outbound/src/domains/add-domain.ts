import {
  AddDomainRequestSchema,
  ConflictError,
  type AddDomainRequest,
  domainAndParents,
  SES_IDENTITY_TAGS,
  ValidationError,
} from '@mailroom/core';
import type { DomainDeps } from './deps';
import { fieldsOf, type IdentityState } from './identities';
import { domainView, type DomainView } from './records';

// The body schema lives in core: the api service's OpenAPI document is built from it too.
export { AddDomainRequestSchema };

/**
 * `POST /v1/domains`: claims the domain for the tenant (a conditional write: the first tenant wins, any
 * other gets a 409), creates its SES identity with Easy DKIM (and the custom MAIL FROM domain when asked)
 * and answers the DNS records to publish. Repeating the request is safe: a claim the tenant already holds
 * is completed or answered as it stands, so a request that died half-way is finished by its retry.
 */
export async function addDomain(
  tenantId: string,
  request: AddDomainRequest,
  deps: DomainDeps,
): Promise<DomainView> {
  const { domain, mailFrom } = request;
  if (mailFrom !== undefined && !mailFrom.endsWith(`.${domain}`)) {
    throw new ValidationError('mailFrom must be a subdomain of domain', {
      details: [{ path: 'mailFrom', message: `must end in .${domain}, e.g. bounce.${domain}` }],
    });
  }
  // SES counts a verified domain's subdomains as verified too, so a subdomain of another tenant's domain
  // would let this tenant send under that tenant's name.
  // https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html
  const foreign = (await deps.domains.lookup(domainAndParents(domain).slice(1))).find(
    (held) => held.tenantId !== tenantId,
  );
  if (foreign) throw new ConflictError(`${domain} lies under a domain another tenant holds`);

  const { created, record } = await deps.domains.claim(tenantId, domain, mailFrom ? { mailFrom } : {});
  let identity: IdentityState;
  try {
    identity = await ensureIdentity(tenantId, domain, deps);
    if (mailFrom !== undefined && identity.mailFrom !== mailFrom) {
      await deps.identities.setMailFrom(domain, mailFrom);
      identity = { ...identity, mailFrom, mailFromStatus: 'pending' };
    }
  } catch (err) {
    // Give a fresh claim back, so a refused or failed request leaves nothing behind.
    if (created) await deps.domains.remove(tenantId, domain).catch(() => undefined);
    throw err;
  }
  const now = (deps.now ?? (() => new Date()))();
  const updated = await deps.domains.update(tenantId, domain, fieldsOf(identity, now));
  return domainView(updated ?? { ...record, ...fieldsOf(identity, now) }, deps.region);
}

/**
 * The domain's SES identity, created with the stage and tenant as tags. One that exists already is taken
 * over only when those tags say it is this tenant's (its own earlier, half-finished request): an identity
 * someone made outside Mailroom, or another stage or tenant made, may be verified already and must not
 * become this tenant's to send from.
 */
async function ensureIdentity(tenantId: string, domain: string, deps: DomainDeps): Promise<IdentityState> {
  const tags = { [SES_IDENTITY_TAGS.stage]: deps.stage, [SES_IDENTITY_TAGS.tenant]: tenantId };
  const created = await deps.identities.create(domain, tags);
  if (created !== 'exists') return created;
  const existing = await deps.identities.get(domain);
  if (!existing) {
    // Deleted between the two calls: create it once more.
    const again = await deps.identities.create(domain, tags);
    if (again !== 'exists') return again;
  }
  const ours =
    existing?.tags[SES_IDENTITY_TAGS.stage] === deps.stage &&
    existing.tags[SES_IDENTITY_TAGS.tenant] === tenantId;
  if (!existing || !ours) {
    throw new ConflictError(
      `${domain} is already an SES identity of this account, not one Mailroom made for you`,
    );
  }
  return existing;
}
