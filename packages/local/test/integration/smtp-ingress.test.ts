import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { InMemoryRouteStore } from '@mailroom/core/testing';
import { createDynamoDocumentClient, DynamoRouteStore } from '@mailroom/core/aws';
import { createTransport } from 'nodemailer';
import { emulatorClients, LOCAL_REGION, startLocalCloud, type LocalCloud } from '../../src';
import { SES_RECEIVE_MAX_BYTES, startSmtpIngress, type SmtpIngress } from '../../src/standins/smtp';

jest.setTimeout(120_000);

interface Notification {
  notificationType: string;
  mail: { messageId: string; source: string; destination: string[]; commonHeaders: Record<string, unknown> };
  receipt: {
    recipients: string[];
    action: {
      type: string;
      bucketName: string;
      objectKeyPrefix: string;
      objectKey: string;
      topicArn: string;
    };
  };
}

/** ISO-2022-JP for こんにちは: ESC $ B, the JIS X 0208 pairs, ESC ( B. */
const KONNICHIWA_JIS = Buffer.from([
  0x1b, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4b, 0x24, 0x41, 0x24, 0x4f, 0x1b, 0x28, 0x42,
]);

describe('SMTP ingress (SES receiving) in the local cloud', () => {
  let cloud: LocalCloud;
  let clients: ReturnType<typeof emulatorClients>;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let bucket: string;
  let queueUrl: string;
  const notifications = new Map<string, { body: Notification; text: string }>();

  const transport = (port: number) =>
    createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });

  const idOf = (response: string): string => {
    const id = /Ok ([0-9a-v]{40})/.exec(response)?.[1];
    if (!id) throw new Error(`no message id in ${response}`);
    return id;
  };

  /** The notification the inbound queue got for `messageId` (polled; other ones are kept for later). */
  async function notificationFor(messageId: string): Promise<{ body: Notification; text: string }> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const hit = notifications.get(messageId);
      if (hit) return hit;
      const { Messages = [] } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of Messages) {
        const body = JSON.parse(m.Body ?? 'null') as Notification;
        notifications.set(body.mail.messageId, { body, text: m.Body ?? '' });
        await clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
        );
      }
    }
    throw new Error(`no notification for ${messageId} on the inbound queue`);
  }

  const object = async (key: string): Promise<Buffer> => {
    const { Body } = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await Body!.transformToByteArray());
  };
  const rawKeys = async (): Promise<string[]> => {
    const { Contents = [] } = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'raw/' }),
    );
    return Contents.map((c) => c.Key!);
  };

  /** An ingress of its own (small limit, or a fault) beside the cloud's, on the cloud's bucket and topic. */
  const extraIngress = (overrides: Partial<Parameters<typeof startSmtpIngress>[0]> = {}) =>
    startSmtpIngress({
      port: 0,
      host: '127.0.0.1',
      routes: new DynamoRouteStore(doc, cloud.outputs.inbound.InboundTableName!),
      s3: clients.s3,
      sns: clients.sns,
      bucket,
      topicArn: cloud.outputs.inbound.ReceiptTopicArn!,
      ...overrides,
    });
  const extras: SmtpIngress[] = [];

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    clients = emulatorClients(cloud.endpoints, LOCAL_REGION);
    doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: cloud.endpoints.dynamodbLocal });
    bucket = cloud.outputs.inbound.ReceiptBucketName!;
    queueUrl = cloud.outputs.inbound.InboundQueueUrl!;
  });
  afterEach(async () => {
    await Promise.all(extras.splice(0).map((i) => i.close()));
  });
  afterAll(async () => {
    doc?.destroy();
    Object.values(clients ?? {}).forEach((c) => c.destroy());
    await cloud?.stop();
  });

  it('is listed by pnpm dev on its port', () => {
    expect(cloud.listing).toContainEqual([
      'SMTP ingress',
      `localhost:${cloud.ports.smtp} (stands in for SES receiving)`,
    ]);
  });

  it('stores the raw mail under raw/<id> and publishes SES’s notification, raw, with the envelope recipients', async () => {
    const info = await transport(cloud.ports.smtp).sendMail({
      from: '"Ann Sender" <ann@sender.example>',
      to: 'support@in.acme.localhost',
      cc: 'ops@in.acme.localhost',
      bcc: 'audit@in.globex.localhost',
      subject: 'Order 1042',
      text: 'Where is my parcel?',
    });
    const id = idOf(info.response);
    expect(info.response).toMatch(/^250 /);

    const raw = (await object(`raw/${id}`)).toString('utf8');
    expect(raw).toContain('Subject: Order 1042');
    expect(raw).not.toMatch(/^Bcc:/im);

    // Raw message delivery: the queue body is the notification itself, no SNS envelope around it.
    const { body } = await notificationFor(id);
    expect(body.notificationType).toBe('Received');
    expect(body.receipt.recipients).toEqual([
      'support@in.acme.localhost',
      'ops@in.acme.localhost',
      'audit@in.globex.localhost',
    ]);
    expect(body.mail.destination).toEqual(['support@in.acme.localhost', 'ops@in.acme.localhost']);
    expect(body.mail.source).toBe('ann@sender.example');
    expect(body.mail.commonHeaders).toMatchObject({
      subject: 'Order 1042',
      from: ['Ann Sender <ann@sender.example>'],
    });
    expect(body.receipt.action).toEqual({
      type: 'S3',
      topicArn: cloud.outputs.inbound.ReceiptTopicArn,
      bucketName: bucket,
      objectKeyPrefix: 'raw/',
      objectKey: `raw/${id}`,
    });
  });

  it('answers 550 5.1.1 for a recipient of a domain it does not receive for, and stores nothing', async () => {
    const before = await rawKeys();
    await expect(
      transport(cloud.ports.smtp).sendMail({
        from: 'a@sender.example',
        to: 'x@nowhere.example',
        subject: 's',
        text: 't',
      }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringMatching(/^550 5\.1\.1 /) });
    expect(await rawKeys()).toEqual(before);
  });

  it('takes the routed recipients of a mixed envelope and names only them', async () => {
    const info = await transport(cloud.ports.smtp).sendMail({
      from: 'a@sender.example',
      to: ['support@in.acme.localhost', 'x@nowhere.example'],
      subject: 'mixed',
      text: 't',
    });
    expect(info.rejected).toEqual(['x@nowhere.example']);
    const { body } = await notificationFor(idOf(info.response));
    expect(body.receipt.recipients).toEqual(['support@in.acme.localhost']);
  });

  it('receives for a whole domain that has any route, as a receipt rule per domain does', async () => {
    await new DynamoRouteStore(doc, cloud.outputs.inbound.InboundTableName!).put({
      pattern: 'help@in.solo.localhost',
      tenantId: 'acme',
      destination: { type: 'store' },
    });
    const info = await transport(cloud.ports.smtp).sendMail({
      from: 'a@sender.example',
      to: 'someone-else@in.solo.localhost',
      subject: 'no exact route',
      text: 't',
    });
    const { body } = await notificationFor(idOf(info.response));
    expect(body.receipt.recipients).toEqual(['someone-else@in.solo.localhost']);
  });

  it('stores an ISO-2022-JP mail byte for byte and decodes its subject in the common headers', async () => {
    const subject = `=?ISO-2022-JP?B?${KONNICHIWA_JIS.toString('base64')}?=`;
    const raw = Buffer.concat([
      Buffer.from(
        `From: sender@sender.example\r\nTo: support@in.acme.localhost\r\nSubject: ${subject}\r\n` +
          'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n' +
          'Content-Transfer-Encoding: 7bit\r\n\r\n',
        'ascii',
      ),
      KONNICHIWA_JIS,
      Buffer.from('\r\n.leading dot survives dot-stuffing\r\n', 'ascii'),
    ]);
    const info = await transport(cloud.ports.smtp).sendMail({
      envelope: { from: 'sender@sender.example', to: ['support@in.acme.localhost'] },
      raw,
    });
    const id = idOf(info.response);
    expect((await object(`raw/${id}`)).equals(raw)).toBe(true);
    const { body } = await notificationFor(id);
    expect(body.mail.commonHeaders.subject).toBe('こんにちは');
  });

  it('advertises and enforces SES’s 40 MB by default: SIZE in EHLO, 552 5.3.4 for a larger declared SIZE', async () => {
    expect(SES_RECEIVE_MAX_BYTES).toBe(40_000_000);
    const replies = await smtpDialogue(cloud.ports.smtp, [
      'EHLO client.example',
      `MAIL FROM:<a@sender.example> SIZE=${SES_RECEIVE_MAX_BYTES + 1}`,
      `MAIL FROM:<a@sender.example> SIZE=${SES_RECEIVE_MAX_BYTES}`,
      'QUIT',
    ]);
    expect(replies[1]).toMatch(/^250[- ]SIZE 40000000\r$/m);
    expect(replies[2]).toMatch(/^552 5\.3\.4 /);
    expect(replies[3]).toMatch(/^250 /);
  });

  it('answers 552 5.3.4 to data over the limit, without storing or publishing anything', async () => {
    const ingress = await extraIngress({ maxBytes: 2_000 });
    extras.push(ingress);
    const before = await rawKeys();
    await expect(
      transport(ingress.port).sendMail({
        envelope: { from: 'a@sender.example', to: ['support@in.acme.localhost'] },
        raw: `Subject: big\r\n\r\n${'x'.repeat(76)}\r\n`.repeat(40),
      }),
    ).rejects.toMatchObject({ responseCode: 552, response: expect.stringMatching(/^552 5\.3\.4 /) });
    expect(ingress.received).toEqual([]);
    expect(await rawKeys()).toEqual(before);
    // The session goes on: the next mail within the limit is taken.
    const info = await transport(ingress.port).sendMail({
      envelope: { from: 'a@sender.example', to: ['support@in.acme.localhost'] },
      raw: 'Subject: small\r\n\r\nok\r\n',
    });
    expect(info.response).toMatch(/^250 /);
  });

  it('streams a mail larger than one upload part, and drops one that outgrows the limit mid-upload', async () => {
    const ingress = await extraIngress({ maxBytes: 8 * 1024 * 1024 });
    extras.push(ingress);
    const line = `${'y'.repeat(998)}\r\n`;
    const body = (bytes: number) =>
      Buffer.from(`Subject: large\r\n\r\n${line.repeat(Math.ceil(bytes / line.length))}`);

    const fits = body(6 * 1024 * 1024);
    const info = await transport(ingress.port).sendMail({
      envelope: { from: 'a@sender.example', to: ['support@in.acme.localhost'] },
      raw: fits,
    });
    const stored = await object(`raw/${idOf(info.response)}`);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(stored.length).toBe(fits.length);
    expect(sha(stored)).toBe(sha(fits));

    const before = await rawKeys();
    await expect(
      transport(ingress.port).sendMail({
        envelope: { from: 'a@sender.example', to: ['support@in.acme.localhost'] },
        raw: body(9 * 1024 * 1024),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(await rawKeys()).toEqual(before);
    expect(ingress.received).toHaveLength(1);
  });

  it('answers 451 when the raw mail cannot be stored', async () => {
    const ingress = await extraIngress({ bucket: 'no-such-bucket' });
    extras.push(ingress);
    await expect(
      transport(ingress.port).sendMail({
        from: 'a@sender.example',
        to: 'support@in.acme.localhost',
        text: 't',
      }),
    ).rejects.toMatchObject({ responseCode: 451 });
    expect(ingress.received).toEqual([]);
  });

  it('answers 451 when the notification cannot be published', async () => {
    const ingress = await extraIngress({ topicArn: 'arn:aws:sns:us-east-1:000000000000:no-such-topic' });
    extras.push(ingress);
    await expect(
      transport(ingress.port).sendMail({
        from: 'a@sender.example',
        to: 'support@in.acme.localhost',
        text: 't',
      }),
    ).rejects.toMatchObject({ responseCode: 451 });
    expect(ingress.received).toEqual([]);
  });

  it('answers 451 when the routes cannot be read', async () => {
    const routes = new InMemoryRouteStore();
    routes.resolve = () => Promise.reject(new Error('table unavailable'));
    const ingress = await extraIngress({ routes });
    extras.push(ingress);
    await expect(
      transport(ingress.port).sendMail({
        from: 'a@sender.example',
        to: 'support@in.acme.localhost',
        text: 't',
      }),
    ).rejects.toMatchObject({ responseCode: 451 });
  });
});

/** Speaks SMTP line by line: the greeting, then one reply (all its lines) per command. */
async function smtpDialogue(port: number, commands: readonly string[]): Promise<string[]> {
  const socket: Socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let current = '';
  let waiting: (() => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (data: string) => {
    buffer += data;
    let nl: number;
    while ((nl = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, nl + 2);
      buffer = buffer.slice(nl + 2);
      current += line;
      // The last line of a reply has a space after its code.
      if (/^\d{3} /.test(line)) {
        replies.push(current);
        current = '';
        waiting?.();
      }
    }
  });
  const reply = (count: number) =>
    new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      const check = () => {
        if (replies.length >= count) resolve();
        else waiting = check;
      };
      check();
    });
  try {
    await reply(1);
    for (const [i, command] of commands.entries()) {
      socket.write(`${command}\r\n`);
      await reply(i + 2);
    }
    return replies;
  } finally {
    socket.destroy();
  }
}
