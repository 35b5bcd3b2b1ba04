import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createDynamoDocumentClient, DynamoDomainStore, DynamoTenantStore } from '@mailroom/core/aws';
import {
  applyPlan,
  DEV_DOMAINS,
  emulatorClients,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  planProvisioning,
  printService,
  repoRoot,
  Resolver,
  silentLogger,
  startLocalCloud,
  type LocalCloud,
} from '../../src';
import { printEnv } from '../../src/env';

// Emulators and provisioning only: DynamoDB Local, fauxqs and the provider stand-ins on free ports.
describe('local cloud without services', () => {
  let cloud: LocalCloud;
  let clients: ReturnType<typeof emulatorClients>;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    clients = emulatorClients(cloud.endpoints, LOCAL_REGION);
  }, 90_000);
  afterAll(async () => {
    Object.values(clients ?? {}).forEach((c) => c.destroy());
    await cloud?.stop();
  });

  it("re-provisions outbound's own CloudFormation resources idempotently", async () => {
    const config = await printService(repoRoot(), 'outbound', 'local', printEnv(process.env), silentLogger);
    const resources = config.resources?.Resources ?? {};
    const resolver = new Resolver(resources, {
      service: config.service,
      stage: 'local',
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      awsEndpoint: cloud.endpoints.aws,
      functions: config.functions,
    });
    await applyPlan(planProvisioning(resources, resolver), clients, silentLogger, 'outbound');
    await applyPlan(planProvisioning(resources, resolver), clients, silentLogger, 'outbound');
  });

  it('creates the send queue with its redrive to the DLQ', async () => {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'mailroom-local-send' }));
    expect(QueueUrl).toBe(cloud.outputs.outbound.SendQueueUrl);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:mailroom-local-send-dlq`,
      maxReceiveCount: expect.anything(),
    });
    expect(Number(Attributes?.VisibilityTimeout)).toBeGreaterThan(5);
  });

  it('creates the messages table with its GSIs and TTL', async () => {
    const TableName = cloud.outputs.outbound.MessagesTableName;
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
      'gsi4',
    ]);
    const ttl = await clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    expect(ttl.TimeToLiveDescription).toEqual(
      expect.objectContaining({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' }),
    );
  });

  it('delivers the receipt topic to the inbound queue raw, as the subscription says', async () => {
    await clients.sns.send(
      new PublishCommand({ TopicArn: cloud.outputs.inbound.ReceiptTopicArn, Message: '{"ses":1}' }),
    );
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: cloud.outputs.inbound.InboundQueueUrl, WaitTimeSeconds: 2 }),
    );
    expect(Messages?.map((m) => m.Body)).toEqual(['{"ses":1}']);
  });

  it('seeds the dev keys so they authenticate', async () => {
    const doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: cloud.endpoints.dynamodb });
    const tenants = new DynamoTenantStore(doc, cloud.outputs.outbound.TenantsTableName as string);
    await expect(tenants.authenticate('dev-acme-key')).resolves.toEqual(
      expect.objectContaining({ tenantId: 'acme', scopes: ['send', 'read', 'admin'] }),
    );
    await expect(tenants.authenticate('dev-globex-key')).resolves.toEqual(
      expect.objectContaining({ tenantId: 'globex' }),
    );
    doc.destroy();
  });

  it('fails DynamoDB requests through its fault proxy where a test asks, and passes the rest to DynamoDB Local', async () => {
    const client = new DynamoDBClient({
      endpoint: cloud.endpoints.dynamodb,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const TableName = cloud.outputs.outbound.TenantsTableName;
    const get = new GetItemCommand({ TableName, Key: { pk: { S: 'TENANT#acme' }, sk: { S: 'TENANT' } } });
    const next = cloud.failNext({ target: 'dynamodb', operation: 'GetItem', fault: 'throttle' });
    await expect(client.send(get)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(next.remaining()).toBe(0);
    await expect(client.send(get)).resolves.toEqual(
      expect.objectContaining({ $metadata: expect.anything() }),
    );
    cloud.setFaults('dynamodb.GetItem.5xx=1');
    await expect(client.send(get)).rejects.toMatchObject({
      $metadata: { httpStatusCode: expect.any(Number) },
    });
    cloud.setFaults('');
    await client.send(get);
    client.destroy();
    expect(cloud.endpoints.dynamodbLocal).not.toBe(cloud.endpoints.dynamodb);
  });

  it("seeds the dev tenants' sending domains verified, each held by its tenant", async () => {
    const doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: cloud.endpoints.dynamodb });
    const domains = new DynamoDomainStore(doc, cloud.outputs.outbound.TenantsTableName as string);
    const found = await domains.lookup(DEV_DOMAINS.map((d) => d.domain));
    expect(found.map((d) => [d.domain, d.tenantId, d.status])).toEqual(
      DEV_DOMAINS.map((d) => [d.domain, d.tenantId, 'verified']),
    );
    doc.destroy();
  });

  it('hands out env that points at its own emulators', () => {
    expect(cloud.env).toEqual(
      expect.objectContaining({
        MAILROOM_STAGE: 'local',
        MAILROOM_AWS_ENDPOINT: `http://localhost:${cloud.ports.aws}`,
        MAILROOM_DYNAMODB_ENDPOINT: `http://localhost:${cloud.ports.dynamodb}`,
        MAILROOM_SES_ENDPOINT: `http://localhost:${cloud.ports.ses}`,
        AWS_REGION: 'us-east-1',
      }),
    );
  });
});
