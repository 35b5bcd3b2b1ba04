import { createHash } from 'node:crypto';
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SendGridKeyOwner, TenantStore } from '@mailroom/core';
import {
  createDynamoDocumentClient,
  createSsmClient,
  DynamoDomainStore,
  DynamoTenantStore,
} from '@mailroom/core/aws';
import { DEV_SENDGRID_API_KEY, startLocalCloud, type LocalCloud } from '@mailroom/local';
import { sendMessage, type SendDeps } from '../../src/send-message';
import { createSendDeps } from '../../src/wiring';
import { outboundConfigFor, queueMessage, record } from '../support/cloud';

jest.setTimeout(120_000);

const PREFIX = '/mailroom/local/tenants';
const sha = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** A tenant whose SendGrid mail goes out under a key of its own, kept in Parameter Store. */
describe('per-tenant SendGrid keys (SSM and SendGrid stand-ins)', () => {
  let cloud: LocalCloud;
  let deps: SendDeps;
  let ssm: SSMClient;
  let tenants: TenantStore;
  let domains: DynamoDomainStore;
  let doc: DynamoDBDocumentClient;
  let messagesTable: string;
  let serial = 0;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    const config = outboundConfigFor(cloud);
    const real = await createSendDeps(config);
    deps = {
      ...real,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      delay: async () => undefined,
    };
    ssm = createSsmClient({ region: 'us-east-1', endpoint: cloud.endpoints.ssm });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    tenants = new DynamoTenantStore(doc, config.MAILROOM_TENANTS_TABLE);
    domains = new DynamoDomainStore(doc, config.MAILROOM_TENANTS_TABLE);
    messagesTable = config.MAILROOM_MESSAGES_TABLE;
  });
  afterAll(async () => {
    ssm?.destroy();
    await cloud?.stop();
  });

  const sendgrid = (path: string, init: RequestInit = {}) =>
    fetch(`${cloud.endpoints.sendgrid}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${DEV_SENDGRID_API_KEY}`, 'content-type': 'application/json' },
    });
  /** A SendGrid key issued by the stand-in, as a tenant would create one in its own account. */
  const issueKey = async (name: string) =>
    (await (await sendgrid('/v3/api_keys', { method: 'POST', body: JSON.stringify({ name }) })).json()) as {
      api_key: string;
      api_key_id: string;
    };
  const tenant = async (sendgridKey?: SendGridKeyOwner) => {
    const tenantId = `t${Date.now().toString(36)}${(serial += 1)}`;
    await tenants.createTenant(tenantId, { provider: 'sendgrid', ...(sendgridKey && { sendgridKey }) });
    // A verified sending domain of its own, which mailOf sends from.
    await domains.claim(tenantId, `${tenantId}.example`);
    await domains.update(tenantId, `${tenantId}.example`, { status: 'verified' });
    return tenantId;
  };
  const mailOf = (tenantId: string) => queueMessage({ tenantId, from: `app@${tenantId}.example` });
  const storeKey = (tenantId: string, value: string) =>
    ssm.send(
      new PutParameterCommand({
        Name: `${PREFIX}/${tenantId}/sendgrid-api-key`,
        Value: value,
        Type: 'SecureString',
      }),
    );
  const accepted = async (subject: string) => {
    const store = (await (await fetch(`${cloud.endpoints.sendgrid}/store`)).json()) as {
      emails: { apiKeySha256: string; body: { subject?: string } }[];
    };
    return store.emails.filter((e) => e.body.subject === subject);
  };
  /** Sends the record once and expects the mail failed after that one attempt, nothing accepted. */
  const expectFailedAtOnce = async (message: ReturnType<typeof queueMessage>, lastError: RegExp | string) => {
    await expect(sendMessage(record(message), deps)).resolves.toBe('failed');
    const failed = (await deps.messages.getWithEvents(message.id))!.message;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toMatch(lastError);
    expect(await accepted(message.subject)).toEqual([]);
  };
  /** The next free slot of a send budget (its GCRA item), undefined before its first send. */
  const nextSlot = async (account: string) =>
    (await doc.send(new GetCommand({ TableName: messagesTable, Key: { pk: `RATE#${account}`, sk: 'RATE' } })))
      .Item?.tat as number | undefined;

  it('sends a tenant’s mail under the key in its parameter', async () => {
    const tenantId = await tenant('tenant');
    const { api_key } = await issueKey(tenantId);
    await storeKey(tenantId, api_key);
    const message = mailOf(tenantId);
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    expect((await accepted(message.subject)).map((m) => m.apiKeySha256)).toEqual([sha(api_key)]);
  });

  it('sends under the platform key when the tenant has no key of its own', async () => {
    const tenantId = await tenant();
    await storeKey(tenantId, (await issueKey(tenantId)).api_key); // present, but not chosen
    const message = mailOf(tenantId);
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    expect((await accepted(message.subject)).map((m) => m.apiKeySha256)).toEqual([sha(DEV_SENDGRID_API_KEY)]);
  });

  it('fails the mail with TENANT.PROVIDER_KEY when the tenant’s key was never stored, without naming the parameter', async () => {
    const tenantId = await tenant('tenant');
    const message = mailOf(tenantId);
    await expectFailedAtOnce(message, /^TENANT\.PROVIDER_KEY: the tenant’s own SendGrid key is missing/);
    const { lastError } = (await deps.messages.get(message.id))!;
    expect(lastError).not.toContain(PREFIX);
  });

  it('fails the mail without retrying when the tenant’s key was revoked', async () => {
    const tenantId = await tenant('tenant');
    const { api_key, api_key_id } = await issueKey(tenantId);
    await storeKey(tenantId, api_key);
    expect((await sendgrid(`/v3/api_keys/${api_key_id}`, { method: 'DELETE' })).status).toBe(204);
    await expectFailedAtOnce(mailOf(tenantId), /^TENANT\.PROVIDER_KEY: .*\(SendGrid 401\)$/);
  });

  it('uses a key stored after a failed lookup, without waiting for the settings cache', async () => {
    const tenantId = await tenant('tenant');
    const first = mailOf(tenantId);
    await expect(sendMessage(record(first), deps)).resolves.toBe('failed');
    const { api_key } = await issueKey(tenantId);
    await storeKey(tenantId, api_key);
    const second = mailOf(tenantId);
    await expect(sendMessage(record(second), deps)).resolves.toBe('sent');
    expect((await accepted(second.subject)).map((m) => m.apiKeySha256)).toEqual([sha(api_key)]);
  });

  it('draws on the tenant’s own account budget, not the platform’s', async () => {
    const own = await tenant('tenant');
    await storeKey(own, (await issueKey(own)).api_key);
    const platform = await tenant();

    const before = await nextSlot('sendgrid#default');
    await expect(sendMessage(record(mailOf(own)), deps)).resolves.toBe('sent');
    expect(await nextSlot(`sendgrid#tenant:${own}`)).toEqual(expect.any(Number));
    expect(await nextSlot('sendgrid#default')).toBe(before);

    await expect(sendMessage(record(mailOf(platform)), deps)).resolves.toBe('sent');
    expect(await nextSlot('sendgrid#default')).not.toBe(before);
  });
});
