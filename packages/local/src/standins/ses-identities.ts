/**
 * SES v2 email identities for the SES stand-in (aws-ses-v2-local has none): `CreateEmailIdentity`
 * (Easy DKIM), `GetEmailIdentity`, `DeleteEmailIdentity` and `PutEmailIdentityMailFromAttributes`, over
 * the REST-JSON wire API the AWS SDK speaks, and the rule SES applies to every send: the From address,
 * or its domain, or a parent domain, must be a verified identity. There is no DNS locally, so an
 * identity counts as verified a set time after it was created (MAILROOM_SES_VERIFY_AFTER_SECONDS).
 * https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html
 */
import { randomBytes } from 'node:crypto';
import { base32, devIdentities } from '../dev-domains';
import { sesError, type SesErrorAnswer } from './ses-requests';
import { bad, json, ok, resourcePath } from './ses-v2-rest';
import { bareAddress } from './simulator';

export interface PresetIdentity {
  identity: string;
  dkimTokens?: string[];
  tags?: Record<string, string>;
}

export interface SesIdentitiesOptions {
  /**
   * Seconds from CreateEmailIdentity (or a new MAIL FROM domain) until it counts as verified; 0: at once.
   * Default: MAILROOM_SES_VERIFY_AFTER_SECONDS, else 3.
   */
  verifyAfterSeconds?: number;
  /** Identities the account starts with, verified. Default: the dev tenants' domains (dev-domains.ts). */
  verified?: readonly PresetIdentity[];
  /** Named in SES's refusal text. */
  region?: string;
  now?: () => number;
}

interface Identity {
  type: 'DOMAIN' | 'EMAIL_ADDRESS';
  dkimTokens: string[];
  tags: Record<string, string>;
  createdAt: number;
  verifiedAt: number;
  mailFrom?: { domain: string; behavior: string; verifiedAt: number };
}

export interface SesIdentities {
  /** The answer to an identity request, or undefined when the request is not one. */
  handle(method: string, path: string, body: Buffer): SesErrorAnswer | undefined;
  /** SES's refusal text when `from` (a From address as sent) is not covered by a verified identity. */
  refusal(from: string | undefined): string | undefined;
}

const DEFAULT_VERIFY_AFTER_SECONDS = 3;
const PREFIX = '/v2/email/identities';

export function verifyAfterFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MAILROOM_SES_VERIFY_AFTER_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_VERIFY_AFTER_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`MAILROOM_SES_VERIFY_AFTER_SECONDS must be a number of seconds ≥ 0, not "${raw}"`);
  }
  return seconds;
}

export function sesIdentities(options: SesIdentitiesOptions = {}): SesIdentities {
  const now = options.now ?? Date.now;
  const delayMs = () => (options.verifyAfterSeconds ?? verifyAfterFromEnv()) * 1000;
  const region = (options.region ?? 'us-east-1').toUpperCase();
  const identities = new Map<string, Identity>();
  for (const preset of options.verified ?? devIdentities()) {
    const key = preset.identity.toLowerCase();
    identities.set(key, {
      type: key.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN',
      dkimTokens: preset.dkimTokens ?? newTokens(),
      tags: { ...preset.tags },
      createdAt: now(),
      verifiedAt: now(),
    });
  }

  const verified = (name: string) => {
    const found = identities.get(name);
    return found !== undefined && found.verifiedAt <= now();
  };

  const create = (body: Buffer): SesErrorAnswer => {
    const input = json(body);
    const name = typeof input.EmailIdentity === 'string' ? input.EmailIdentity.toLowerCase() : '';
    const type = name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN';
    if (!validName(name, type)) return bad(`Invalid email identity: ${String(input.EmailIdentity)}`);
    if (identities.has(name)) {
      return sesError('v2', 400, 'AlreadyExistsException', `Email identity ${name} already exist.`);
    }
    const at = now();
    const identity: Identity = {
      type,
      dkimTokens: type === 'DOMAIN' ? newTokens() : [],
      tags: Object.fromEntries(
        (Array.isArray(input.Tags) ? (input.Tags as { Key?: string; Value?: string }[]) : []).map((t) => [
          String(t.Key),
          String(t.Value ?? ''),
        ]),
      ),
      createdAt: at,
      verifiedAt: at + delayMs(),
    };
    identities.set(name, identity);
    const view = describe(identity);
    return ok({
      IdentityType: view.IdentityType,
      VerifiedForSendingStatus: view.VerifiedForSendingStatus,
      DkimAttributes: view.DkimAttributes,
    });
  };

  const describe = (identity: Identity) => {
    const done = identity.verifiedAt <= now();
    const seconds = (ms: number) => Math.floor(ms / 1000);
    const status = done ? 'SUCCESS' : 'PENDING';
    return {
      IdentityType: identity.type,
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: done,
      DkimAttributes:
        identity.type === 'DOMAIN'
          ? {
              SigningEnabled: true,
              Status: status,
              Tokens: identity.dkimTokens,
              SigningAttributesOrigin: 'AWS_SES',
              NextSigningKeyLength: 'RSA_2048_BIT',
              CurrentSigningKeyLength: 'RSA_2048_BIT',
              LastKeyGenerationTimestamp: seconds(identity.createdAt),
            }
          : { SigningEnabled: false, Status: 'NOT_STARTED', Tokens: [] },
      ...(identity.mailFrom && {
        MailFromAttributes: {
          MailFromDomain: identity.mailFrom.domain,
          MailFromDomainStatus: identity.mailFrom.verifiedAt <= now() ? 'SUCCESS' : 'PENDING',
          BehaviorOnMxFailure: identity.mailFrom.behavior,
        },
      }),
      Policies: {},
      Tags: Object.entries(identity.tags).map(([Key, Value]) => ({ Key, Value })),
      VerificationStatus: status,
      VerificationInfo: {
        LastCheckedTimestamp: seconds(now()),
        ...(done && { LastSuccessTimestamp: seconds(identity.verifiedAt) }),
      },
    };
  };

  const putMailFrom = (name: string, identity: Identity, body: Buffer): SesErrorAnswer => {
    const input = json(body);
    const domain = typeof input.MailFromDomain === 'string' ? input.MailFromDomain.toLowerCase() : '';
    if (domain === '') {
      delete identity.mailFrom;
      return ok({});
    }
    // The MAIL FROM domain must be a subdomain of the identity's domain:
    // https://docs.aws.amazon.com/ses/latest/dg/mail-from.html
    const parent = identity.type === 'DOMAIN' ? name : name.slice(name.indexOf('@') + 1);
    if (!domain.endsWith(`.${parent}`) || !validName(domain, 'DOMAIN')) {
      return bad(`MAIL FROM domain ${domain} must be a subdomain of ${parent}.`);
    }
    const behavior = input.BehaviorOnMxFailure === 'REJECT_MESSAGE' ? 'REJECT_MESSAGE' : 'USE_DEFAULT_VALUE';
    identity.mailFrom = { domain, behavior, verifiedAt: now() + delayMs() };
    return ok({});
  };

  return {
    handle(method, path, body) {
      const resource = resourcePath(PREFIX, path);
      if (resource === undefined) return undefined;
      if (resource === 'collection') return method === 'POST' ? create(body) : undefined;
      const { encoded, sub, rest } = resource;
      let name: string;
      try {
        name = decodeURIComponent(encoded).toLowerCase();
      } catch {
        return bad(`Invalid email identity: ${encoded}`);
      }
      const identity = identities.get(name);
      const known = sub === undefined || (sub === 'mail-from' && rest.length === 0);
      if (!known) return undefined; // DKIM, policies, feedback…: not modelled; aws-ses-v2-local answers 404
      if (!identity)
        return sesError('v2', 404, 'NotFoundException', `Email identity ${name} does not exist.`);
      if (sub === 'mail-from') return method === 'PUT' ? putMailFrom(name, identity, body) : undefined;
      if (method === 'GET') return ok(describe(identity));
      if (method === 'DELETE') {
        identities.delete(name);
        return ok({});
      }
      return undefined;
    },

    refusal(from) {
      if (from === undefined) return undefined;
      const address = bareAddress(from);
      const domain = address.slice(address.lastIndexOf('@') + 1);
      const labels = domain.split('.');
      const candidates = [address, ...labels.map((_, i) => labels.slice(i).join('.'))];
      if (candidates.some(verified)) return undefined;
      // SES's own wording, so code that matches on it locally matches on AWS too.
      return `Email address is not verified. The following identities failed the check in region ${region}: ${from}`;
    },
  };
}

const newTokens = () => [1, 2, 3].map(() => base32(randomBytes(20)).slice(0, 32));

const validName = (name: string, type: Identity['type']) =>
  type === 'EMAIL_ADDRESS'
    ? /^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(name)
    : /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9-]+$/.test(name) && name.length <= 253;
