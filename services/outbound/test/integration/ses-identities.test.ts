import { ValidationError } from '@mailroom/core';
import { createSesV2Client } from '@mailroom/core/aws';
import { startSesStandIn, type SesStandIn } from '@mailroom/local';
import { SesIdentityAdapter } from '../../src/adapters/ses-identities';

/** The SES identity adapter against the local cloud's SES stand-in, over the real SES v2 client. */
describe('SesIdentityAdapter (SES stand-in)', () => {
  let ses: SesStandIn;
  let client: ReturnType<typeof createSesV2Client>;
  let adapter: SesIdentityAdapter;
  let clock = Date.parse('2026-12-01T10:00:00Z');
  const tags = { 'mailroom:stage': 'local', 'mailroom:tenant': 'acme' };

  beforeAll(async () => {
    ses = await startSesStandIn({ port: 0, identities: { verifyAfterSeconds: 10, now: () => clock } });
    client = createSesV2Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${ses.port}` });
    adapter = new SesIdentityAdapter(client);
  });
  afterAll(async () => {
    client?.destroy();
    await ses?.close();
  });

  it('creates a domain identity with Easy DKIM: three tokens, pending, tagged', async () => {
    const created = await adapter.create('mail.acme.test', tags);
    expect(created).toEqual({
      status: 'pending',
      dkimStatus: 'pending',
      dkimTokens: [expect.any(String), expect.any(String), expect.any(String)],
      tags,
    });
    await expect(adapter.get('mail.acme.test')).resolves.toEqual({ ...(created as object), tags });
  });

  it('answers `exists` for an identity the account already has, and reads its tags', async () => {
    await adapter.create('twice.test', tags);
    await expect(adapter.create('twice.test', { 'mailroom:tenant': 'globex' })).resolves.toBe('exists');
    await expect(adapter.get('twice.test')).resolves.toMatchObject({ tags });
  });

  it('reads verified once SES has verified the domain', async () => {
    await adapter.create('later.test', tags);
    clock += 10_000;
    await expect(adapter.get('later.test')).resolves.toMatchObject({
      status: 'verified',
      dkimStatus: 'success',
    });
  });

  it('sets a custom MAIL FROM domain, and refuses one outside the domain with a 400', async () => {
    await adapter.create('mf.test', tags);
    await adapter.setMailFrom('mf.test', 'bounce.mf.test');
    await expect(adapter.get('mf.test')).resolves.toMatchObject({
      mailFrom: 'bounce.mf.test',
      mailFromStatus: 'pending',
    });
    await expect(adapter.setMailFrom('mf.test', 'bounce.other.test')).rejects.toBeInstanceOf(ValidationError);
  });

  it('deletes an identity, and deleting or reading one that is gone is no error', async () => {
    await adapter.create('gone.test', tags);
    await adapter.remove('gone.test');
    await expect(adapter.remove('gone.test')).resolves.toBeUndefined();
    await expect(adapter.get('gone.test')).resolves.toBeUndefined();
  });

  it('answers the dev domains the local cloud starts with as verified', async () => {
    await expect(adapter.get('acme.example')).resolves.toMatchObject({
      status: 'verified',
      tags: { 'mailroom:stage': 'local', 'mailroom:tenant': 'acme' },
    });
  });
});
