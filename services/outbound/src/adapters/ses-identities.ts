import {
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  PutEmailIdentityMailFromAttributesCommand,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { RateLimitedError, ValidationError, type DomainStatus } from '@mailroom/core';
import type { IdentityState, SesIdentities } from '../domains/identities';

/**
 * SES v2 email identities (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html).
 * Domains get Easy DKIM: no DkimSigningAttributes, so SES makes the key pair and hands back the three
 * tokens of the CNAME records (https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html).
 */
export class SesIdentityAdapter implements SesIdentities {
  constructor(private readonly ses: SESv2Client) {}

  async create(domain: string, tags: Record<string, string>): Promise<IdentityState | 'exists'> {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    try {
      const created = await this.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: domain, Tags }));
      return stateOf({ ...created, Tags });
    } catch (err) {
      if ((err as Error).name === 'AlreadyExistsException') return 'exists';
      throw mapped(err);
    }
  }

  async get(domain: string): Promise<IdentityState | undefined> {
    try {
      return stateOf(await this.ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain })));
    } catch (err) {
      if ((err as Error).name === 'NotFoundException') return undefined;
      throw mapped(err);
    }
  }

  async remove(domain: string): Promise<void> {
    try {
      await this.ses.send(new DeleteEmailIdentityCommand({ EmailIdentity: domain }));
    } catch (err) {
      if ((err as Error).name !== 'NotFoundException') throw mapped(err);
    }
  }

  async setMailFrom(domain: string, mailFrom: string): Promise<void> {
    try {
      await this.ses.send(
        new PutEmailIdentityMailFromAttributesCommand({
          EmailIdentity: domain,
          MailFromDomain: mailFrom,
          // Until the MX record is published, mail still goes out with SES's own MAIL FROM domain
          // rather than being refused: https://docs.aws.amazon.com/ses/latest/dg/mail-from.html
          BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
        }),
      );
    } catch (err) {
      throw mapped(err);
    }
  }
}

/**
 * SES's verdict as a domain status: `verified` once SES lets the identity send; `failed` when
 * verification failed (SES stops looking 72 hours after the identity was created); else `pending`
 * (TEMPORARY_FAILURE included: SES keeps trying).
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html
 */
export function statusOf(
  identity: Pick<
    GetEmailIdentityCommandOutput,
    'VerifiedForSendingStatus' | 'VerificationStatus' | 'DkimAttributes'
  >,
): DomainStatus {
  if (identity.VerifiedForSendingStatus) return 'verified';
  const verdict = identity.VerificationStatus ?? identity.DkimAttributes?.Status;
  return verdict === 'FAILED' ? 'failed' : 'pending';
}

function stateOf(
  identity: Pick<
    GetEmailIdentityCommandOutput,
    'VerifiedForSendingStatus' | 'VerificationStatus' | 'DkimAttributes' | 'MailFromAttributes' | 'Tags'
  >,
): IdentityState {
  const mailFrom = identity.MailFromAttributes;
  return {
    status: statusOf(identity),
    ...(identity.DkimAttributes?.Status && { dkimStatus: identity.DkimAttributes.Status.toLowerCase() }),
    dkimTokens: identity.DkimAttributes?.Tokens ?? [],
    ...(mailFrom?.MailFromDomain && { mailFrom: mailFrom.MailFromDomain }),
    ...(mailFrom?.MailFromDomainStatus && { mailFromStatus: mailFrom.MailFromDomainStatus.toLowerCase() }),
    tags: Object.fromEntries((identity.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

/** SES's refusals a client can act on keep their meaning; anything else stays a server error. */
function mapped(err: unknown): unknown {
  const name = (err as Error).name;
  const message = (err as Error).message;
  if (name === 'BadRequestException')
    return new ValidationError(`SES refused it: ${message}`, { cause: err });
  if (name === 'TooManyRequestsException') {
    return new RateLimitedError('SES is throttling identity requests; try again shortly', {
      cause: err,
      retryAfterSeconds: 1,
    });
  }
  return err;
}
