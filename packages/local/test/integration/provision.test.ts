import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { gunzipSync } from 'node:zlib';
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
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
  type Resources,
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

  it('carries SES events from a configuration set through Firehose into the lake, and the lake object to its queue', async () => {
    // The events stack's shapes, under names of this test's own.
    const resources: Resources = {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'e2e-tracker', VisibilityTimeout: 30 } },
      Lake: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketName: 'e2e-lake',
          NotificationConfiguration: {
            QueueConfigurations: [
              {
                Event: 's3:ObjectCreated:*',
                Queue: { 'Fn::GetAtt': ['Queue', 'Arn'] },
                Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'provider=' }] } },
              },
            ],
          },
        },
      },
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Stream: {
        Type: 'AWS::KinesisFirehose::DeliveryStream',
        Properties: {
          DeliveryStreamName: 'e2e-ses-events',
          ExtendedS3DestinationConfiguration: {
            BucketARN: { 'Fn::GetAtt': ['Lake', 'Arn'] },
            RoleARN: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Prefix:
              'provider=ses/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
            ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/',
            BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
            CompressionFormat: 'GZIP',
          },
        },
      },
      Set: { Type: 'AWS::SES::ConfigurationSet', Properties: { Name: 'e2e-events' } },
      Destination: {
        Type: 'AWS::SES::ConfigurationSetEventDestination',
        Properties: {
          ConfigurationSetName: { Ref: 'Set' },
          EventDestination: {
            Enabled: true,
            MatchingEventTypes: ['send', 'delivery', 'bounce', 'complaint'],
            KinesisFirehoseDestination: {
              DeliveryStreamARN: { 'Fn::GetAtt': ['Stream', 'Arn'] },
              IAMRoleARN: { 'Fn::GetAtt': ['Role', 'Arn'] },
            },
          },
        },
      },
      Database: { Type: 'AWS::Glue::Database', Properties: {} },
      Table: { Type: 'AWS::Glue::Table', Properties: {} },
      Query: { Type: 'AWS::Athena::NamedQuery', Properties: {} },
    };
    const resolver = new Resolver(resources, {
      service: 'mailroom-e2e',
      stage: 'local',
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      awsEndpoint: cloud.endpoints.aws,
    });
    await applyPlan(planProvisioning(resources, resolver), clients, silentLogger, 'e2e');
    await applyPlan(planProvisioning(resources, resolver), clients, silentLogger, 'e2e');

    const ses = new SESv2Client({
      region: LOCAL_REGION,
      endpoint: cloud.endpoints.ses,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'app@acme.example',
        Destination: { ToAddresses: ['bounce@simulator.amazonses.com'] },
        Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Text: { Data: 'Hello' } } } },
        EmailTags: [{ Name: 'mailroom_message_id', Value: 'e2e-1' }],
        ConfigurationSetName: 'e2e-events',
      }),
    );
    ses.destroy();

    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'e2e-tracker' }));
    type S3Record = { eventName: string; s3: { object: { key: string } } };
    type SesRecord = { eventType: string; mail: { messageId: string; tags: Record<string, string[]> } };
    const announced: S3Record[] = [];
    const events: SesRecord[] = [];
    const until = Date.now() + 60_000;
    // Until both events are in: they may land in one lake object or two.
    while (events.length < 2) {
      if (Date.now() > until) throw new Error(`only ${events.length} events reached the lake`);
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of Messages) {
        // The s3:TestEvent S3 sends when notifications are set up has no Records.
        for (const record of (JSON.parse(m.Body!) as { Records?: S3Record[] }).Records ?? []) {
          announced.push(record);
          const object = await clients.s3.send(
            new GetObjectCommand({ Bucket: 'e2e-lake', Key: decodeURIComponent(record.s3.object.key) }),
          );
          const text = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString();
          events.push(
            ...text
              .trimEnd()
              .split('\n')
              .map((l) => JSON.parse(l) as SesRecord),
          );
        }
        await clients.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    for (const record of announced) {
      expect(record.eventName).toBe('ObjectCreated:Put');
      expect(record.s3.object.key).toMatch(
        /^provider%3Dses\/year%3D\d{4}\/month%3D\d\d\/day%3D\d\d\/hour%3D\d\d\/e2e-ses-events-1-/,
      );
    }
    // Sorted: a standard queue need not announce two objects in the order they were written.
    const seen = events.map((l) => [l.eventType, l.mail.messageId, l.mail.tags.mailroom_message_id]);
    expect(seen.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['Bounce', MessageId, ['e2e-1']],
      ['Send', MessageId, ['e2e-1']],
    ]);
  });

  it('fails Firehose records as MAILROOM_FAULTS says, changed while running', async () => {
    const Records = [{ Data: Buffer.from('{}\n') }, { Data: Buffer.from('{}\n') }];
    cloud.setFaults('firehose.fail=1');
    const failed = await clients.firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'e2e-ses-events', Records }),
    );
    expect(failed.FailedPutCount).toBe(2);
    cloud.setFaults('');
    const passed = await clients.firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'e2e-ses-events', Records }),
    );
    expect(passed.FailedPutCount).toBe(0);
    expect(cloud.env.MAILROOM_FIREHOSE_ENDPOINT).toBe(`http://localhost:${cloud.ports.firehose}`);
  });
});
