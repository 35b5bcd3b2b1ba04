import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { InboundRecord } from '@mailroom/core';
import { createDynamoDocumentClient, createS3Client, DynamoInboundStore } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { createTransport } from 'nodemailer';
import type { ParsedMessage } from '../../src/parse';

jest.setTimeout(300_000);

const FIXTURES = join(__dirname, '..', 'fixtures');
/** Every real message in test/fixtures (README.md there), by its path under it. */
const SAMPLES = ['mime', 'dsn'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.eml'))
    .map((f) => `${dir}/${f}`),
);
/** What Python's `email` package decodes from the non-ASCII samples (expected/make-expected.py). */
const PYTHON = JSON.parse(readFileSync(join(FIXTURES, 'expected', 'python-email.json'), 'utf8')) as Record<
  string,
  {
    subject: string;
    from: { name: string; address: string }[];
    to: { name: string; address: string }[];
    text: string | null;
    attachments: string[];
  }
>;

const ENDS = ['processed', 'unrouted', 'rejected', 'failed'];

/**
 * The receiving path as `pnpm dev` runs it, once for the whole file: mail handed to the SMTP ingress
 * (SES's stand-in) lands in the receipt bucket, its notification goes through the topic to the inbound
 * queue, and the `process` function under serverless-offline takes it to its end; the API reads it back.
 */
describe('inbound over SMTP in the local cloud (ingress → bucket → queue → process → API)', () => {
  let cloud: LocalCloud;
  let doc: ReturnType<typeof createDynamoDocumentClient>;
  let s3: ReturnType<typeof createS3Client>;
  let inbound: DynamoInboundStore;
  let bucket: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: ['inbound', 'api'] });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    s3 = createS3Client({ region: 'us-east-1', endpoint: cloud.endpoints.aws });
    bucket = cloud.outputs.inbound.ReceiptBucketName!;
    inbound = new DynamoInboundStore(doc, cloud.outputs.inbound.InboundTableName!);
  });
  afterAll(async () => {
    doc?.destroy();
    s3?.destroy();
    await cloud?.stop();
  });

  const smtp = () => createTransport({ host: '127.0.0.1', port: cloud.ports.smtp, ignoreTLS: true });

  /** The SES message id the ingress gave the mail (`250 Ok <id>`, as SES answers). */
  const sesIdOf = (response: string): string => {
    const id = /Ok ([0-9a-v]{40})/.exec(response)?.[1];
    if (!id) throw new Error(`no message id in ${response}`);
    return id;
  };

  /**
   * The one record of the mail sent to `recipient` (each mail here has a recipient of its own) once
   * processing has ended; polled, since the queue and `process` run apart.
   */
  async function ended(recipient: string): Promise<InboundRecord> {
    const deadline = Date.now() + 180_000;
    let found: InboundRecord[] = [];
    while (Date.now() < deadline) {
      found = (await inbound.list('acme', { recipient }, { limit: 10 })).items;
      if (found.length > 1) throw new Error(`${found.length} records for ${recipient}`);
      if (found[0] && ENDS.includes(found[0].status)) return found[0];
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `mail to ${recipient} did not end: ${found[0] ? `still ${found[0].status}` : 'no record'}`,
    );
  }

  const object = async (key: string): Promise<string> => {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await Body!.transformToByteArray()).toString('utf8');
  };
  const exists = (key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      (err: Error) => (err.name === 'NotFound' ? false : Promise.reject(err)),
    );

  it('takes every real sample to its end (processed, delivered), one record each, none lost; non-ASCII decodes as Python’s email does', async () => {
    const transport = smtp();
    const sent: { sample: string; sesId: string; recipient: string }[] = [];
    try {
      for (const [i, sample] of SAMPLES.entries()) {
        const recipient = `sample-${i}@in.acme.localhost`;
        const info = await transport.sendMail({
          envelope: { from: 'sender@example.com', to: [recipient] },
          raw: readFileSync(join(FIXTURES, sample)),
        });
        sent.push({ sample, sesId: sesIdOf(info.response), recipient });
      }
    } finally {
      transport.close();
    }
    expect(new Set(sent.map((s) => s.sesId)).size).toBe(SAMPLES.length);

    const records = await Promise.all(sent.map((s) => ended(s.recipient)));
    const outcomes = Object.fromEntries(sent.map((s, i) => [s.sample, records[i]!.status]));
    // Every sample is mail a careful client reads: none is refused, so every one is delivered.
    expect(outcomes).toEqual(Object.fromEntries(SAMPLES.map((s) => [s, 'processed'])));
    for (const [i, record] of records.entries()) {
      const { sesId, recipient } = sent[i]!;
      expect(record).toMatchObject({
        sesMessageId: sesId,
        tenantId: 'acme',
        route: '*@in.acme.localhost',
        recipients: [recipient],
        rawKey: `processed/${sesId}`,
        parsedKey: `parsed/${record.id}/message.json`,
        attempts: 1,
        reason: null,
      });
      expect(await exists(`raw/${sesId}`)).toBe(false);
      expect(await exists(`processed/${sesId}`)).toBe(true);
    }
    // One record per mail, each under the SES id the ingress answered.
    expect(new Set(records.map((r) => r.id)).size).toBe(SAMPLES.length);

    const decoded = Object.keys(PYTHON);
    expect(decoded.length).toBeGreaterThanOrEqual(6);
    for (const sample of decoded) {
      const record = records[sent.findIndex((s) => s.sample === sample)]!;
      const message = JSON.parse(await object(record.parsedKey!)) as ParsedMessage;
      const python = PYTHON[sample]!;
      expect({
        sample,
        subject: message.subject,
        from: message.from,
        to: message.to,
        text: message.text,
      }).toEqual({
        sample,
        subject: python.subject,
        from: python.from,
        to: python.to,
        text: python.text,
      });
      // Python lists attachments by disposition; the parser also keeps inline parts.
      expect(message.attachments.map((a) => a.filename)).toEqual(expect.arrayContaining(python.attachments));
      expect(record.subject).toBe(python.subject);
      expect(record.from).toBe(python.from[0]?.address ?? null);
    }
  });

  it('answers the README’s "Receiving mail" walk-through: nodemailer to the ingress, then GET /v1/inbound', async () => {
    const transport = smtp();
    const subject = `Where is my order? ${Date.now()}`;
    try {
      await transport.sendMail({
        from: 'ann@example.com',
        to: 'support@in.acme.localhost',
        bcc: 'audit@in.acme.localhost',
        subject,
        text: 'Order 1042 has not arrived.',
      });
    } finally {
      transport.close();
    }
    const get = async (path: string, key = 'dev-acme-key') => {
      const res = await fetch(`${cloud.endpoints.api}${path}`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const deadline = Date.now() + 180_000;
    let item: Record<string, unknown> | undefined;
    while (Date.now() < deadline) {
      const { status, body } = await get('/v1/inbound?limit=5&recipient=audit@in.acme.localhost');
      expect(status).toBe(200);
      item = (body.items as Record<string, unknown>[]).find((i) => i.subject === subject);
      if (item && item.status !== 'received') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(item).toMatchObject({
      status: 'processed',
      from: 'ann@example.com',
      to: ['support@in.acme.localhost'],
      subject,
      route: '*@in.acme.localhost',
    });
    const detail = await get(`/v1/inbound/${String(item!.id)}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: item!.id,
      // nodemailer ends a text body with a line break, and the parser keeps it.
      text: 'Order 1042 has not arrived.\n',
      attachments: [],
      linkedMessageId: null,
      dsn: null,
    });
    // Another tenant's key does not see it.
    expect((await get(`/v1/inbound/${String(item!.id)}`, 'dev-globex-key')).status).toBe(404);
  });
});
