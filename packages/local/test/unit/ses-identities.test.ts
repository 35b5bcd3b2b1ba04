import {
  AlreadyExistsException,
  BadRequestException,
  CreateEmailIdentityCommand,
  DeleteEmailIdentityCommand,
  GetEmailIdentityCommand,
  MessageRejected,
  NotFoundException,
  PutEmailIdentityMailFromAttributesCommand,
  SESv2Client,
  SendEmailCommand,
} from '@aws-sdk/client-sesv2';
import { DEV_DOMAINS, presetDkimTokens } from '../../src/dev-domains';
import { startSesStandIn, type SesStandIn } from '../../src/standins/ses';
import { verifyAfterFromEnv } from '../../src/standins/ses-identities';

/** The SES stand-in's identities, through the real SES v2 client, with a clock the test moves. */
describe('SES stand-in identities', () => {
  let ses: SesStandIn;
  let client: SESv2Client;
  let clock = 1_750_000_000_000;
  const endpoint = () => `http://127.0.0.1:${ses.port}`;
  const local = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  const send = (from: string) =>
    client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: ['someone@example.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
      }),
    );
  const refusal = (from: string) => send(from).catch((e: unknown) => e);

  beforeAll(async () => {
    ses = await startSesStandIn({
      port: 0,
      identities: {
        verifyAfterSeconds: 5,
        now: () => clock,
        verified: [
          { identity: 'acme.example', tags: { 'mailroom:tenant': 'acme' } },
          { identity: 'ops@b.test' },
        ],
      },
    });
    client = new SESv2Client({ ...local, endpoint: endpoint(), maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await ses.close();
  });

  it('creates a domain identity with three Easy DKIM tokens, pending until the delay has passed', async () => {
    const created = await client.send(
      new CreateEmailIdentityCommand({
        EmailIdentity: 'Mail.Globex.Test',
        Tags: [{ Key: 'mailroom:tenant', Value: 'globex' }],
      }),
    );
    expect(created).toMatchObject({
      IdentityType: 'DOMAIN',
      VerifiedForSendingStatus: false,
      DkimAttributes: { SigningEnabled: true, Status: 'PENDING', SigningAttributesOrigin: 'AWS_SES' },
    });
    const tokens = created.DkimAttributes?.Tokens ?? [];
    expect(tokens).toHaveLength(3);
    for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(new Set(tokens).size).toBe(3);

    const pending = await client.send(new GetEmailIdentityCommand({ EmailIdentity: 'mail.globex.test' }));
    expect(pending).toMatchObject({ VerificationStatus: 'PENDING', VerifiedForSendingStatus: false });
    expect(pending.Tags).toEqual([{ Key: 'mailroom:tenant', Value: 'globex' }]);

    clock += 5_000;
    const verified = await client.send(new GetEmailIdentityCommand({ EmailIdentity: 'mail.globex.test' }));
    expect(verified).toMatchObject({
      VerificationStatus: 'SUCCESS',
      VerifiedForSendingStatus: true,
      DkimAttributes: { Status: 'SUCCESS', Tokens: tokens },
    });
    expect(verified.DkimAttributes?.LastKeyGenerationTimestamp).toBeInstanceOf(Date);
  });

  it('answers AlreadyExists, NotFound and BadRequest as SES does, as the SDK knows them', async () => {
    await expect(
      client.send(new CreateEmailIdentityCommand({ EmailIdentity: 'acme.example' })),
    ).rejects.toBeInstanceOf(AlreadyExistsException);
    await expect(
      client.send(new GetEmailIdentityCommand({ EmailIdentity: 'nobody.test' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      client.send(new DeleteEmailIdentityCommand({ EmailIdentity: 'nobody.test' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      client.send(new CreateEmailIdentityCommand({ EmailIdentity: 'not a domain' })),
    ).rejects.toBeInstanceOf(BadRequestException);
  });

  it('sets a custom MAIL FROM domain under the identity, pending until verified, and refuses others', async () => {
    await client.send(new CreateEmailIdentityCommand({ EmailIdentity: 'mf.test' }));
    await client.send(
      new PutEmailIdentityMailFromAttributesCommand({
        EmailIdentity: 'mf.test',
        MailFromDomain: 'bounce.mf.test',
      }),
    );
    const set = await client.send(new GetEmailIdentityCommand({ EmailIdentity: 'mf.test' }));
    expect(set.MailFromAttributes).toEqual({
      MailFromDomain: 'bounce.mf.test',
      MailFromDomainStatus: 'PENDING',
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
    clock += 5_000;
    const later = await client.send(new GetEmailIdentityCommand({ EmailIdentity: 'mf.test' }));
    expect(later.MailFromAttributes?.MailFromDomainStatus).toBe('SUCCESS');

    for (const MailFromDomain of ['bounce.other.test', 'mf.test']) {
      await expect(
        client.send(
          new PutEmailIdentityMailFromAttributesCommand({ EmailIdentity: 'mf.test', MailFromDomain }),
        ),
      ).rejects.toBeInstanceOf(BadRequestException);
    }
    await expect(
      client.send(
        new PutEmailIdentityMailFromAttributesCommand({
          EmailIdentity: 'absent.test',
          MailFromDomain: 'b.absent.test',
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
  });

  it('sends from a verified domain, its subdomains and a verified address', async () => {
    await expect(send('shop@acme.example')).resolves.toMatchObject({ MessageId: expect.any(String) });
    await expect(send('"ACME Shop" <shop@mail.acme.example>')).resolves.toMatchObject({
      MessageId: expect.any(String),
    });
    await expect(send('ops@b.test')).resolves.toMatchObject({ MessageId: expect.any(String) });
  });

  it('refuses, with SES’s MessageRejected, a From no verified identity covers', async () => {
    for (const from of ['billing@globex.example', 'shop@evilacme.example', 'other@b.test', 'x@example']) {
      const error = await refusal(from);
      expect(error).toBeInstanceOf(MessageRejected);
      expect((error as MessageRejected).$metadata.httpStatusCode).toBe(400);
      expect((error as Error).message).toBe(
        `Email address is not verified. The following identities failed the check in region US-EAST-1: ${from}`,
      );
    }
  });

  it('refuses a pending identity until it is verified, then sends', async () => {
    await client.send(new CreateEmailIdentityCommand({ EmailIdentity: 'later.test' }));
    await expect(refusal('a@later.test')).resolves.toBeInstanceOf(MessageRejected);
    clock += 5_000;
    await expect(send('a@later.test')).resolves.toMatchObject({ MessageId: expect.any(String) });
  });

  it('stops sending for a domain once its identity is deleted', async () => {
    await client.send(new CreateEmailIdentityCommand({ EmailIdentity: 'gone.test' }));
    clock += 5_000;
    await send('a@gone.test');
    await client.send(new DeleteEmailIdentityCommand({ EmailIdentity: 'gone.test' }));
    await expect(refusal('a@gone.test')).resolves.toBeInstanceOf(MessageRejected);
  });

  it('applies the rule to SES v1 raw sends, reading the From header', async () => {
    // The v1 query protocol, as @aws-sdk/client-ses would post it.
    const raw = (from: string) =>
      fetch(`${endpoint()}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/ses/aws4_request',
        },
        body: new URLSearchParams({
          Action: 'SendRawEmail',
          'RawMessage.Data': Buffer.from(
            `From: ${from}\r\nTo: someone@example.com\r\nSubject: x\r\n\r\nhello`,
          ).toString('base64'),
        }).toString(),
      });
    expect((await raw('a@acme.example')).status).toBe(200);
    const refused = await raw('a@globex.example');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<Code>MessageRejected</Code>');
  });
});

describe('SES stand-in defaults', () => {
  it('starts with the dev tenants’ domains verified, with the tokens the seed records', async () => {
    const ses = await startSesStandIn({ port: 0 });
    const client = new SESv2Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${ses.port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      for (const { domain, tenantId } of DEV_DOMAINS) {
        const identity = await client.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
        expect(identity).toMatchObject({
          VerifiedForSendingStatus: true,
          DkimAttributes: { Tokens: presetDkimTokens(domain) },
        });
        expect(identity.Tags).toEqual(expect.arrayContaining([{ Key: 'mailroom:tenant', Value: tenantId }]));
      }
    } finally {
      client.destroy();
      await ses.close();
    }
  });

  it('reads the verification delay from MAILROOM_SES_VERIFY_AFTER_SECONDS, 3 s when unset', () => {
    expect(verifyAfterFromEnv({})).toBe(3);
    expect(verifyAfterFromEnv({ MAILROOM_SES_VERIFY_AFTER_SECONDS: '0' })).toBe(0);
    expect(verifyAfterFromEnv({ MAILROOM_SES_VERIFY_AFTER_SECONDS: '0.5' })).toBe(0.5);
    expect(() => verifyAfterFromEnv({ MAILROOM_SES_VERIFY_AFTER_SECONDS: '-1' })).toThrow(
      /MAILROOM_SES_VERIFY_AFTER_SECONDS/,
    );
  });
});
