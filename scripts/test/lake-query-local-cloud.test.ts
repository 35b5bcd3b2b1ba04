import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { repoRoot, startLocalCloud, type LocalCloud } from '@mailroom/local';
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { lakeQueryCli } from '../lib/lake/cli';
import { sendGridEvent, sesEvent, writeLake } from './support/lake';

/** `pnpm lake:query` as `pnpm dev` users run it: the lake is the local cloud's lake bucket. */
describe('pnpm lake:query on the local cloud', () => {
  let cloud: LocalCloud;
  let s3: S3Client;
  let tmp: string;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: cloud.endpoints.aws,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    tmp = mkdtempSync(join(tmpdir(), 'lake-query-cloud-'));
  });
  afterAll(async () => {
    s3?.destroy();
    await cloud?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await lakeQueryCli(argv, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      root: repoRoot(__dirname),
      env: { MAILROOM_AWS_ENDPOINT: cloud.endpoints.aws },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  /** Every file under `dir`, as bucket keys. */
  const keysUnder = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => statSync(join(dir, f)).isFile())
      .map((f) => relative(dir, join(dir, f)));

  it('exits 1 while the lake bucket is empty, then counts what Firehose wrote to it', async () => {
    const bucket = cloud.outputs.events.LakeBucketName!;
    const empty = await cli('daily-counts', '--param', 'year=2026', '--param', 'month=12');
    expect(empty.code).toBe(1);
    expect(empty.err).toBe(
      `lake:query: No lake data in the local cloud's lake bucket ${bucket}: no object under provider=<p>/year=YYYY/month=MM/day=DD/hour=HH/.`,
    );

    const lake = writeLake(join(tmp, 'lake'), [
      {
        provider: 'sendgrid',
        hour: '2026-12-03T11',
        records: [
          sendGridEvent('processed', { id: 'M1', tenant: 'acme' }, '2026-12-03T11:00:00.000Z'),
          sendGridEvent('delivered', { id: 'M1', tenant: 'acme' }, '2026-12-03T11:00:03.000Z'),
        ],
      },
      {
        provider: 'ses',
        hour: '2026-12-03T12',
        records: [sesEvent('send', { id: 'M2', tenant: 'globex' }, '2026-12-03T12:00:00.000Z', '')],
      },
    ]);
    for (const key of keysUnder(lake))
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(join(lake, key)) }));
    // Firehose's error output is not lake data: it must not be read.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'errors/sendgrid/x.gz', Body: 'not gzip' }));

    const { code, out, err } = await cli(
      'daily-counts',
      '--param',
      'year=2026',
      '--param',
      'month=12',
      '--json',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      { year: 2026, month: 12, day: 3, tenant: 'acme', event_type: 'delivered', events: 1 },
      { year: 2026, month: 12, day: 3, tenant: 'acme', event_type: 'processed', events: 1 },
      { year: 2026, month: 12, day: 3, tenant: 'globex', event_type: 'processed', events: 1 },
    ]);
  });
});
