import { randomUUID } from 'node:crypto';
import {
  createDynamoDocumentClient,
  DynamoInboundStore,
  DynamoMessageStore,
  DynamoTenantStore,
} from '@mailroom/core/aws';
import { entry } from '@mailroom/console';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { isOwned, type Endpoint, type IdKind, type Seeded } from '../catalogue';
import { call, type Answer, type Call } from './call';

/** A seeded tenant: its dev key, one stored item of each kind, and text that only its data contains. */
export interface Tenant extends Seeded {
  key: string;
  ids: Record<IdKind, string>;
  /** Random text inside this tenant's message, inbound mail and webhook: in nobody else's answers. */
  marker: string;
}

export interface World {
  cloud: LocalCloud;
  /** acme and globex, the local cloud's dev tenants (each with verified sending domains). */
  a: Tenant;
  b: Tenant;
  /** More keys of tenant A: revoked, lacking one scope, limited to ALLOWED_NET. */
  keys: { revoked: string; without: Record<'send' | 'read' | 'admin', string>; allowlisted: string };
  call(endpoint: Endpoint, request: Call): Promise<Answer>;
  stop(): Promise<void>;
}

/** The allowlisted key's network (TEST-NET-3) and an address outside it (TEST-NET-2). */
export const ALLOWED_NET = '203.0.113.0/24';
export const INSIDE_IP = '203.0.113.9';
export const OUTSIDE_IP = '198.51.100.7';

/** The env every service's HTTP functions read, as serverless.yml gives it, for one local cloud. */
function serviceEnv(cloud: LocalCloud): Record<string, string> {
  const out = { ...cloud.outputs.outbound, ...cloud.outputs.inbound };
  return {
    ...cloud.env,
    MAILROOM_MESSAGES_TABLE: out.MessagesTableName!,
    MAILROOM_TENANTS_TABLE: out.TenantsTableName!,
    MAILROOM_SEND_QUEUE_URL: out.SendQueueUrl!,
    MAILROOM_SEND_DLQ_URL: out.SendDLQUrl!,
    MAILROOM_ATTACHMENTS_BUCKET: out.AttachmentsBucketName!,
    MAILROOM_REQUESTS_BUCKET: out.RequestsBucketName!,
    MAILROOM_SEND_MAX_RECEIVE_COUNT: '10',
    MAILROOM_PROVIDER: 'ses',
    MAILROOM_TENANT_SECRETS_PREFIX: '/mailroom/local/tenants',
    MAILROOM_WEBHOOK_SECRETS_PREFIX: '/mailroom/local/webhooks',
    MAILROOM_OUTBOUND_URL: `http://localhost:${cloud.ports.outbound}`,
    MAILROOM_INBOUND_TABLE: out.InboundTableName!,
    MAILROOM_RECEIPT_BUCKET: out.ReceiptBucketName!,
    MAILROOM_INBOUND_QUEUE_URL: out.InboundQueueUrl!,
    MAILROOM_INBOUND_DLQ_URL: out.InboundDLQUrl!,
    // The ops endpoints answer the operator tenant only: acme (tenant A) here, as on the local stage.
    MAILROOM_OPERATOR_TENANT: 'acme',
    MAILROOM_SENDGRID_EVENTS_STREAM: 'mailroom-local-sendgrid-events',
  };
}

/** The ids of what a tenant owns (catalogue.ts `isOwned`). */
export const ownedIds = (tenant: Pick<Tenant, 'ids'>): string[] =>
  Object.entries(tenant.ids)
    .filter(([kind]) => isOwned(kind as IdKind))
    .map(([, id]) => id);

let unique = 0;
const uniqueValue = () => `u${++unique}-${randomUUID().slice(0, 8)}`;

/**
 * One local cloud (DynamoDB Local, fauxqs, the SES and Parameter Store stand-ins; no serverless-offline),
 * every service's env in this process, and two tenants with one item of each kind: a message and a webhook
 * through their POST handlers, an inbound mail written to the inbound table (as the process function
 * would), and the verified domain the local cloud seeds (`<tenant>.example`).
 */
export async function startWorld(endpoints: readonly Endpoint[]): Promise<World> {
  const cloud = await startLocalCloud({ ports: 'auto', services: false });
  Object.assign(process.env, serviceEnv(cloud));
  const doc = createDynamoDocumentClient({
    region: cloud.env.AWS_REGION!,
    endpoint: cloud.endpoints.dynamodb,
  });
  try {
    const tenants = new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName!);
    const inbound = new DynamoInboundStore(doc, cloud.outputs.inbound.InboundTableName!);
    const messages = new DynamoMessageStore(doc, cloud.outputs.outbound.MessagesTableName!);
    const find = (route: string) => endpoints.find((e) => `${e.method} ${e.path}` === route)!;
    const seed = async (tenantId: string, key: string): Promise<Tenant> => {
      const marker = `marker-${tenantId}-${randomUUID()}`;
      const tenant = { tenantId, key, marker, verifiedDomain: `${tenantId}.localhost`, unique: uniqueValue };
      const created = async (route: string, body: unknown) => {
        const answer = await call(find(route), { key, body: JSON.stringify(body) });
        if (answer.status >= 300) throw new Error(`seeding ${route}: ${answer.status} ${answer.raw}`);
        return (answer.json as { id: string }).id;
      };
      const message = await created('POST /v1/messages', {
        from: `app@${tenant.verifiedDomain}`,
        to: ['ana@example.com'],
        subject: marker,
        text: marker,
      });
      // Failed, as a provider's refusal leaves it, so the message retry has something to retry.
      await messages.transition(message, tenantId, {
        status: 'failed',
        lastError: 'PROVIDER.REJECTED: seeded',
        event: { type: 'failed', provider: 'ses', data: { seeded: true } },
      });
      const webhook = await created('POST /v1/webhooks', { url: `https://hooks.example/${marker}` });
      const { record } = await inbound.receive({
        sesMessageId: `ses-${marker}`,
        recipients: [`support@in.${tenantId}.localhost`],
        receivedAt: new Date().toISOString(),
        rawKey: `raw/${marker}`,
        verdicts: { spam: 'PASS', virus: 'PASS' },
      });
      await inbound.update(record.id, {
        tenantId,
        status: 'failed',
        route: `*@in.${tenantId}.localhost`,
        from: 'ana@example.com',
        to: [`support@in.${tenantId}.localhost`],
        subject: marker,
      });
      const ids = {
        message,
        webhook,
        inbound: record.id,
        domain: `${tenantId}.example`,
        dlq: 'send',
        file: entry.js,
      };
      return { ...tenant, ids };
    };
    const a = await seed('acme', 'dev-acme-key');
    const b = await seed('globex', 'dev-globex-key');
    const revoked = await tenants.createApiKey('acme', ['send', 'read', 'admin']);
    await tenants.revokeKey('acme', revoked.keyId);
    const lacking = async (scope: 'send' | 'read' | 'admin') =>
      (
        await tenants.createApiKey(
          'acme',
          (['send', 'read', 'admin'] as const).filter((s) => s !== scope),
        )
      ).key;
    const keys = {
      revoked: revoked.key,
      without: { send: await lacking('send'), read: await lacking('read'), admin: await lacking('admin') },
      allowlisted: (
        await tenants.createApiKey('acme', ['send', 'read', 'admin'], { allowIps: [ALLOWED_NET] })
      ).key,
    };
    return { cloud, a, b, keys, call, stop: () => cloud.stop() };
  } catch (err) {
    await cloud.stop();
    throw err;
  } finally {
    doc.destroy();
  }
}
