import { BadRequestException, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { startSesStandIn, type SesStandIn } from '../../src/standins/ses';
import { sesAddressViolation } from '../../src/standins/ses-rules';

describe('SES stand-in: addresses are 7-bit ASCII', () => {
  let ses: SesStandIn;
  let client: SESv2Client;
  const store = async () =>
    ((await (await fetch(`http://127.0.0.1:${ses.port}/store`)).json()) as { emails: unknown[] }).emails;
  const send = (from: string, to = 'ana@example.com') =>
    client.send(
      new SendEmailCommand({
        FromEmailAddress: from,
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
      }),
    );

  beforeAll(async () => {
    // SES sends only from verified identities (ses-identities.test.ts pins that rule).
    ses = await startSesStandIn({ port: 0, identities: { verified: [{ identity: 'example.com' }] } });
    client = new SESv2Client({
      endpoint: `http://127.0.0.1:${ses.port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  beforeEach(() => fetch(`http://127.0.0.1:${ses.port}/clear-store`, { method: 'POST' }));
  afterAll(async () => {
    client.destroy();
    await ses.close();
  });

  it('refuses a raw UTF-8 display name with 400 BadRequestException and stores nothing', async () => {
    const error = await send('"Zoë Café" <app@example.com>').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).$metadata.httpStatusCode).toBe(400);
    expect((error as Error).message).toMatch(/Illegal address in FromEmailAddress/);
    await expect(
      send('app@example.com', '山田 太郎 <taro@example.com>').catch((e: unknown) => e),
    ).resolves.toBeInstanceOf(BadRequestException);
    expect(await store()).toHaveLength(0);
  });

  it('accepts the same name written as an RFC 2047 encoded-word', async () => {
    const name = `=?UTF-8?B?${Buffer.from('Zoë Café').toString('base64')}?=`;
    await expect(send(`${name} <app@example.com>`)).resolves.toHaveProperty('MessageId');
    expect(await store()).toHaveLength(1);
  });

  it('checks every address field of the query API too, naming the field', () => {
    const form = (fields: Record<string, string>) =>
      Buffer.from(new URLSearchParams({ Action: 'SendEmail', ...fields }).toString());
    expect(sesAddressViolation('v1', form({ Source: 'a@example.com' }))).toBeUndefined();
    expect(
      sesAddressViolation(
        'v1',
        form({ Source: 'a@example.com', 'Destination.CcAddresses.member.1': 'Jürgen <j@example.com>' }),
      ),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: expect.stringContaining('Destination.CcAddresses.member.1'),
    });
    const v2 = Buffer.from(
      JSON.stringify({ FromEmailAddress: 'a@example.com', ReplyToAddresses: ['Zoë <z@example.com>'] }),
    );
    expect(sesAddressViolation('v2', v2)?.message).toContain('ReplyToAddresses[0]');
  });
});
