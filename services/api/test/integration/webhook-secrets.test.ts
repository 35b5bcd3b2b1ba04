import type { WebhookSecrets } from '@mailroom/core';
import { createSsmClient, SsmWebhookSecrets } from '@mailroom/core/aws';
import { InMemoryWebhookSecrets } from '@mailroom/core/testing';
import { startSsmStandIn, type SsmStandIn } from '@mailroom/local';
import type { SSMClient } from '@aws-sdk/client-ssm';

let standIn: SsmStandIn;
let ssm: SSMClient;

beforeAll(async () => {
  standIn = await startSsmStandIn({ port: 0 });
  ssm = createSsmClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${standIn.port}` });
});
afterAll(async () => {
  ssm?.destroy();
  await standIn?.close();
});

let n = 0;

// The Parameter Store adapter and its in-memory twin must behave alike: one suite runs against both.
describe.each<[string, () => WebhookSecrets]>([
  ['Parameter Store stand-in', () => new SsmWebhookSecrets(ssm)],
  ['in memory', () => new InMemoryWebhookSecrets()],
])('%s', (_name, make) => {
  let secrets: WebhookSecrets;
  let name: string;
  beforeEach(() => {
    secrets = make();
    name = `/mailroom/test/webhooks/acme/${++n}`;
  });

  it('keeps a secret, reads it back and removes it; a missing one is null', async () => {
    await secrets.put(name, 'whsec_one');
    expect(await secrets.get(name)).toBe('whsec_one');
    await secrets.remove(name);
    expect(await secrets.get(name)).toBeNull();
  });

  it('never replaces an existing secret', async () => {
    await secrets.put(name, 'whsec_one');
    await expect(secrets.put(name, 'whsec_two')).rejects.toMatchObject({ name: 'ParameterAlreadyExists' });
    expect(await secrets.get(name)).toBe('whsec_one');
  });

  it('removes an absent secret without error (a repeated delete)', async () => {
    await expect(secrets.remove(name)).resolves.toBeUndefined();
  });
});
