import { gunzipSync } from 'node:zlib';
import { CreateDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  AlreadyExistsException,
  BadRequestException,
  CreateConfigurationSetCommand,
  CreateConfigurationSetEventDestinationCommand,
  GetConfigurationSetCommand,
  GetConfigurationSetEventDestinationsCommand,
  NotFoundException,
  SendEmailCommand,
  SESv2Client,
  type EventType,
} from '@aws-sdk/client-sesv2';
import { startFauxqs } from '../../src/emulators/fauxqs';
import { silentLogger, type Logger } from '../../src/logger';
import { freePorts } from '../../src/ports';
import type { Child } from '../../src/process';
import { startFirehoseStandIn, type FirehoseStandIn } from '../../src/standins/firehose';
import { startSesStandIn, type SesStandIn } from '../../src/standins/ses';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const streamArn = (name: string) => `arn:aws:firehose:${region}:000000000000:deliverystream/${name}`;

interface SesRecord {
  eventType: string;
  mail: {
    messageId: string;
    destination: string[];
    tags: Record<string, string[]>;
    commonHeaders: { subject?: string };
  };
  delivery?: { recipients: string[] };
  bounce?: { bounceType: string; bounceSubType: string; bouncedRecipients: Array<{ emailAddress: string }> };
  complaint?: { complainedRecipients: Array<{ emailAddress: string }>; complaintFeedbackType: string };
}

// fauxqs (the lake bucket), the Firehose stand-in and the SES stand-in, wired as the local cloud wires
// them, each reached with its real AWS client.
describe('SES stand-in publishing configuration-set events to Firehose', () => {
  let fauxqs: Child;
  let s3: S3Client;
  let firehose: FirehoseStandIn;
  let ses: SesStandIn;
  let sesClient: SESv2Client;
  const faults = { fail: 0 };
  let draws: number[] = [];
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };

  /** Every SES record under `prefix` so far, in delivery order. */
  const lake = async (prefix: string): Promise<SesRecord[]> => {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix }));
    const delivered = firehose.delivered.map((d) => d.key);
    // In the order the stand-in wrote them, leaving out any it has not finished writing yet.
    const keys = Contents.map((o) => o.Key!)
      .filter((k) => delivered.includes(k))
      .sort((a, b) => delivered.indexOf(a) - delivered.indexOf(b));
    const records: SesRecord[] = [];
    for (const Key of keys) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'lake', Key }));
      const text = gunzipSync(Buffer.from(await object.Body!.transformToByteArray())).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      records.push(
        ...text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as SesRecord),
      );
    }
    return records;
  };
  /** Polls the lake until the records of `messageId` number `count`, with a generous deadline. */
  const eventsOf = async (prefix: string, messageId: string, count: number): Promise<SesRecord[]> => {
    const until = Date.now() + 30_000;
    for (;;) {
      const found = (await lake(prefix)).filter((r) => r.mail.messageId === messageId);
      if (found.length >= count) return found;
      if (Date.now() > until) throw new Error(`only ${found.length} of ${count} events for ${messageId}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const send = async (to: string[], set: string | null = 'mailroom-local-events', id = 'msg-1') => {
    const { MessageId } = await sesClient.send(
      new SendEmailCommand({
        FromEmailAddress: 'App <app@acme.example>',
        Destination: { ToAddresses: to },
        Content: { Simple: { Subject: { Data: 'Your order' }, Body: { Text: { Data: 'Hello' } } } },
        EmailTags: [{ Name: 'mailroom_message_id', Value: id }],
        ConfigurationSetName: set ?? undefined,
      }),
    );
    return MessageId!;
  };
  const destination = (set: string, name: string, types: EventType[], stream: string, Enabled = true) =>
    sesClient.send(
      new CreateConfigurationSetEventDestinationCommand({
        ConfigurationSetName: set,
        EventDestinationName: name,
        EventDestination: {
          Enabled,
          MatchingEventTypes: types,
          KinesisFirehoseDestination: {
            DeliveryStreamArn: streamArn(stream),
            IamRoleArn: 'arn:aws:iam::000000000000:role/ses-to-firehose',
          },
        },
      }),
    );

  beforeAll(async () => {
    const { aws } = await freePorts();
    fauxqs = await startFauxqs(aws, region, silentLogger);
    s3 = new S3Client({ region, endpoint: `http://localhost:${aws}`, forcePathStyle: true, credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
    firehose = await startFirehoseStandIn({
      port: 0,
      s3,
      region,
      accountId: '000000000000',
      bufferIntervalMs: 100,
      faults,
      random: () => draws.shift() ?? 0.99,
    });
    ses = await startSesStandIn({
      port: 0,
      identities: { verified: [{ identity: 'acme.example' }] },
      events: { firehoseEndpoint: `http://127.0.0.1:${firehose.port}`, retryBaseMs: 10 },
      logger,
    });
    sesClient = new SESv2Client({
      region,
      endpoint: `http://127.0.0.1:${ses.port}`,
      credentials,
      maxAttempts: 1,
    });
    const firehoseClient = new FirehoseClient({
      region,
      endpoint: `http://127.0.0.1:${firehose.port}`,
      credentials,
    });
    for (const name of ['ses-events', 'sends-only']) {
      await firehoseClient.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: name,
          ExtendedS3DestinationConfiguration: {
            RoleARN: 'arn:aws:iam::000000000000:role/firehose',
            BucketARN: 'arn:aws:s3:::lake',
            Prefix: `${name}/year=!{timestamp:yyyy}/`,
            ErrorOutputPrefix: `${name}-errors/`,
            CompressionFormat: 'GZIP',
          },
        }),
      );
    }
    firehoseClient.destroy();
    await sesClient.send(
      new CreateConfigurationSetCommand({ ConfigurationSetName: 'mailroom-local-events' }),
    );
    await destination(
      'mailroom-local-events',
      'lake',
      ['SEND', 'DELIVERY', 'BOUNCE', 'COMPLAINT', 'REJECT', 'DELIVERY_DELAY', 'RENDERING_FAILURE'],
      'ses-events',
    );
    await destination('mailroom-local-events', 'sends', ['SEND'], 'sends-only');
    await destination('mailroom-local-events', 'off', ['DELIVERY'], 'sends-only', false);
  }, 60_000);
  afterEach(() => {
    faults.fail = 0;
    draws = [];
  });
  afterAll(async () => {
    sesClient?.destroy();
    await ses?.close();
    await firehose?.close();
    s3?.destroy();
    await fauxqs?.stop();
  });

  it('publishes Send and a Delivery per recipient, as SES writes them: JSON lines with the mail and its tags', async () => {
    const messageId = await send(['someone@example.com', 'success@simulator.amazonses.com']);
    const records = await eventsOf('ses-events/', messageId, 3);
    expect(records.map((r) => [r.eventType, r.delivery?.recipients])).toEqual([
      ['Send', undefined],
      ['Delivery', ['someone@example.com']],
      ['Delivery', ['success@simulator.amazonses.com']],
    ]);
    const [sendRecord] = records;
    expect(sendRecord).toEqual(
      expect.objectContaining({
        send: {},
        mail: expect.objectContaining({
          messageId,
          source: 'App <app@acme.example>',
          sourceArn: 'arn:aws:ses:us-east-1:000000000000:identity/acme.example',
          destination: ['someone@example.com', 'success@simulator.amazonses.com'],
          commonHeaders: expect.objectContaining({ subject: 'Your order', messageId }),
          tags: expect.objectContaining({
            mailroom_message_id: ['msg-1'],
            'ses:configuration-set': ['mailroom-local-events'],
            'ses:from-domain': ['acme.example'],
          }),
        }),
      }),
    );
  });

  it('publishes a Bounce for bounce@ and suppressionlist@ and no Delivery for them', async () => {
    const messageId = await send([
      'bounce@simulator.amazonses.com',
      'suppressionlist@simulator.amazonses.com',
    ]);
    const records = await eventsOf('ses-events/', messageId, 3);
    expect(
      records.map((r) => [
        r.eventType,
        r.bounce?.bounceType,
        r.bounce?.bounceSubType,
        r.bounce?.bouncedRecipients,
      ]),
    ).toEqual([
      ['Send', undefined, undefined, undefined],
      [
        'Bounce',
        'Permanent',
        'General',
        [expect.objectContaining({ emailAddress: 'bounce@simulator.amazonses.com' })],
      ],
      [
        'Bounce',
        'Permanent',
        'Suppressed',
        [expect.objectContaining({ emailAddress: 'suppressionlist@simulator.amazonses.com' })],
      ],
    ]);
  });

  it('publishes Delivery then Complaint for complaint@', async () => {
    const messageId = await send(['complaint@simulator.amazonses.com']);
    const records = await eventsOf('ses-events/', messageId, 3);
    expect(records.map((r) => r.eventType)).toEqual(['Send', 'Delivery', 'Complaint']);
    expect(records[2]?.complaint).toEqual(
      expect.objectContaining({
        complainedRecipients: [{ emailAddress: 'complaint@simulator.amazonses.com' }],
        complaintFeedbackType: 'abuse',
      }),
    );
  });

  it('publishes to each destination only the event types it matches, and nothing to a disabled one', async () => {
    const messageId = await send(['someone@example.com'], 'mailroom-local-events', 'msg-2');
    await eventsOf('ses-events/', messageId, 2);
    const sends = await eventsOf('sends-only/', messageId, 1);
    expect(sends.map((r) => r.eventType)).toEqual(['Send']);
  });

  it('publishes nothing for mail sent without a configuration set, or with one that does not exist', async () => {
    const plain = await send(['someone@example.com'], null, 'plain');
    const unknown = await send(['someone@example.com'], 'no-such-set', 'unknown');
    expect(warnings.join('\n')).toContain(
      `configuration set no-such-set does not exist: no events for ${unknown}`,
    );
    // Published in send order: once a later mail's events are in the lake, these would be too.
    const later = await send(['someone@example.com'], 'mailroom-local-events', 'later');
    await eventsOf('ses-events/', later, 2);
    const ids = (await lake('ses-events/')).map((r) => r.mail.messageId);
    expect(ids).not.toContain(plain);
    expect(ids).not.toContain(unknown);
  });

  it('tries a record again when Firehose fails it, and logs an event as lost when it never takes it', async () => {
    faults.fail = 0.5;
    draws = [0.1, 0.1, 0.1, 0.1];
    const retried = await send(['someone@example.com'], 'mailroom-local-events', 'retried');
    expect((await eventsOf('ses-events/', retried, 2)).map((r) => r.eventType)).toEqual(['Send', 'Delivery']);
    faults.fail = 1;
    const lost = await send(['someone@example.com'], 'mailroom-local-events', 'lost');
    const until = Date.now() + 60_000;
    while (warnings.filter((w) => w.includes('event lost')).length < 3 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // Send to two destinations and one Delivery: three records, none taken.
    expect(warnings.filter((w) => w.includes('event lost'))).toEqual([
      expect.stringContaining('SEND event lost: Firehose ses-events'),
      expect.stringContaining('SEND event lost: Firehose sends-only'),
      expect.stringContaining('DELIVERY event lost: Firehose ses-events'),
    ]);
    faults.fail = 0;
    expect((await lake('ses-events/')).map((r) => r.mail.messageId)).not.toContain(lost);
  });

  it('keeps configuration sets and destinations as the SES v2 API does, refusing what it cannot deliver', async () => {
    await expect(
      sesClient.send(new CreateConfigurationSetCommand({ ConfigurationSetName: 'mailroom-local-events' })),
    ).rejects.toBeInstanceOf(AlreadyExistsException);
    await expect(
      sesClient.send(new GetConfigurationSetCommand({ ConfigurationSetName: 'missing' })),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(destination('missing', 'lake', ['SEND'], 'ses-events')).rejects.toBeInstanceOf(
      NotFoundException,
    );
    await expect(destination('mailroom-local-events', 'lake', ['SEND'], 'ses-events')).rejects.toBeInstanceOf(
      AlreadyExistsException,
    );
    await expect(
      destination('mailroom-local-events', 'typo', ['SENT' as EventType], 'ses-events'),
    ).rejects.toBeInstanceOf(BadRequestException);
    await expect(
      sesClient.send(
        new CreateConfigurationSetEventDestinationCommand({
          ConfigurationSetName: 'mailroom-local-events',
          EventDestinationName: 'sns',
          EventDestination: {
            MatchingEventTypes: ['BOUNCE'],
            SnsDestination: { TopicArn: 'arn:aws:sns:us-east-1:000000000000:t' },
          },
        }),
      ),
    ).rejects.toBeInstanceOf(BadRequestException);
    const { EventDestinations } = await sesClient.send(
      new GetConfigurationSetEventDestinationsCommand({ ConfigurationSetName: 'mailroom-local-events' }),
    );
    expect(EventDestinations?.map((d) => [d.Name, d.Enabled, d.MatchingEventTypes?.length])).toEqual([
      ['lake', true, 7],
      ['sends', true, 1],
      ['off', false, 1],
    ]);
  });
});
