/** The real Context: SDK clients and core's DynamoDB adapters against a Target (local cloud or a stage). */
import {
  createDynamoDocumentClient,
  createSesV2Client,
  createSqsClient,
  createSsmClient,
  DynamoDomainStore,
  DynamoMessageStore,
  DynamoRouteStore,
  DynamoTenantStore,
  sqsDeadLetters,
} from '@mailroom/core/aws';
import { SesIdentityAdapter } from '@mailroom/outbound/src/adapters/ses-identities';
import { ParameterStore } from './adapters/parameter-store';
import type { Context, QueueName } from './context';
import type { Io } from './io';
import { output, type Target } from './target';

export function connect(target: Target, io: Io, extra: Pick<Context, 'lakeQuery'> = {}): Context {
  const { region, endpoints } = target;
  const doc = createDynamoDocumentClient({ region, endpoint: endpoints.dynamodb });
  const sqs = createSqsClient({ region, endpoint: endpoints.aws });
  const tenantsTable = () => output(target, 'outbound', 'TenantsTableName');
  const queueOutput: Record<QueueName, readonly ['outbound' | 'inbound', string]> = {
    send: ['outbound', 'SendQueueUrl'],
    inbound: ['inbound', 'InboundQueueUrl'],
  };
  return {
    stage: target.stage,
    io,
    ...extra,
    tenants: async () => new DynamoTenantStore(doc, await tenantsTable()),
    domains: async () => ({
      domains: new DynamoDomainStore(doc, await tenantsTable()),
      identities: new SesIdentityAdapter(createSesV2Client({ region, endpoint: endpoints.ses })),
      region,
    }),
    routes: async () => new DynamoRouteStore(doc, await output(target, 'inbound', 'InboundTableName')),
    messages: async () => new DynamoMessageStore(doc, await output(target, 'outbound', 'MessagesTableName')),
    secrets: async () => new ParameterStore(createSsmClient({ region, endpoint: endpoints.ssm })),
    queues: async (name) => {
      const [stack, key] = queueOutput[name];
      return sqsDeadLetters(sqs, await output(target, stack, key));
    },
  };
}
