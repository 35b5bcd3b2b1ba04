import { listenOnLoopback, type LoopbackServer } from '@mailroom/core/testing';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@mailroom/local';
import { lakeCatalog, paramsOf, type LakeCatalog } from '../lib/lake/catalog';
import { lakeQueryCli } from '../lib/lake/cli';
import { EmptyLakeError, LakeCatalogError, ParamError, UnknownQueryError } from '../lib/lake/errors';
import { duckDbType } from '../lib/lake/hive-types';
import { runNamedQuery } from '../lib/lake/run-query';
import { loadLakeCatalog } from '../lib/lake/stack';
import { sendGridEvent, sesEvent, writeLake, type LakeObject } from './support/lake';

const acme = (id: string) => ({ id, tenant: 'acme' });
const globex = (id: string) => ({ id, tenant: 'globex' });

/**
 * December 2026, two tenants, both providers, several days and hours; plus events of the month before
 * and of the year before, which month filters must leave out.
 */
const LAKE: LakeObject[] = [
  {
    provider: 'ses',
    hour: '2026-12-01T09',
    records: [
      sesEvent('send', acme('A1'), '2026-12-01T09:00:00.000Z', ''),
      sesEvent('delivery', acme('A1'), '2026-12-01T09:00:00.000Z', '2026-12-01T09:00:05.000Z'),
    ],
  },
  {
    provider: 'ses',
    hour: '2026-12-01T09',
    records: [
      sesEvent('send', acme('A2'), '2026-12-01T09:10:00.000Z', ''),
      // The sample is a permanent (hard) bounce.
      sesEvent('bounce', acme('A2'), '2026-12-01T09:10:00.000Z', '2026-12-01T09:10:30.000Z'),
    ],
  },
  {
    provider: 'ses',
    hour: '2026-12-01T10',
    records: [sesEvent('open', acme('A1'), '2026-12-01T09:00:00.000Z', '2026-12-01T10:30:00.000Z')],
  },
  {
    provider: 'sendgrid',
    hour: '2026-12-01T09',
    records: [
      sendGridEvent('processed', acme('A3'), '2026-12-01T09:20:00.000Z'),
      sendGridEvent('delivered', acme('A3'), '2026-12-01T09:20:04.000Z'),
    ],
  },
  {
    provider: 'sendgrid',
    hour: '2026-12-01T23',
    records: [
      sendGridEvent('processed', globex('G1'), '2026-12-01T23:50:00.000Z'),
      sendGridEvent('bounce', globex('G1'), '2026-12-01T23:50:09.000Z', { type: 'bounce' }),
    ],
  },
  {
    provider: 'ses',
    hour: '2026-12-02T00',
    records: [
      sesEvent('send', globex('G2'), '2026-12-02T00:10:00.000Z', ''),
      sesEvent('bounce', globex('G2'), '2026-12-02T00:10:00.000Z', '2026-12-02T00:10:20.000Z', (e) => {
        (e.bounce as { bounceType: string }).bounceType = 'Transient';
      }),
    ],
  },
  {
    provider: 'ses',
    hour: '2026-12-02T01',
    records: [sesEvent('complaint', globex('G2'), '2026-12-02T00:10:00.000Z', '2026-12-02T01:00:00.000Z')],
  },
  {
    provider: 'ses',
    hour: '2026-12-02T08',
    records: [sesEvent('click', acme('A1'), '2026-12-01T09:00:00.000Z', '2026-12-02T08:00:00.000Z')],
  },
  {
    provider: 'sendgrid',
    hour: '2026-12-02T15',
    records: [
      sendGridEvent('spamreport', acme('A3'), '2026-12-02T15:00:00.000Z'),
      sendGridEvent('processed', acme('A4'), '2026-12-02T15:05:00.000Z'),
      // A block is a soft bounce: counted as a bounce event, not in the hard-bounce rate.
      sendGridEvent('bounce', acme('A4'), '2026-12-02T15:05:10.000Z', { type: 'blocked' }),
    ],
  },
  {
    provider: 'sendgrid',
    hour: '2026-11-30T23',
    records: [sendGridEvent('processed', acme('N1'), '2026-11-30T23:59:00.000Z')],
  },
  {
    provider: 'sendgrid',
    hour: '2025-12-01T09',
    records: [sendGridEvent('processed', globex('Y1'), '2025-12-01T09:00:00.000Z')],
  },
];

let tmp: string;
let lake: string;
let catalog: LakeCatalog;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lake-query-test-'));
  lake = writeLake(join(tmp, 'lake'), LAKE);
  // The events stack's own configuration, as `serverless print` resolves it.
  catalog = await loadLakeCatalog(repoRoot(__dirname), 'http://localhost:4566');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const december = { year: '2026', month: '12' };

describe('the events stack’s lake catalogue', () => {
  it('reads the Glue table and the three named queries with their parameters', () => {
    expect(catalog.table).toMatchObject({
      name: 'events',
      bucket: 'mailroom-events-local-lake-000000000000',
      prefix: '',
      ignoreMalformed: true,
    });
    expect(catalog.table.partitionKeys.map((k) => k.name)).toEqual([
      'provider',
      'year',
      'month',
      'day',
      'hour',
    ]);
    expect(catalog.queries.map((q) => [q.name, q.params])).toEqual([
      ['bounce-complaint-rates', ['year', 'month']],
      ['daily-counts', ['year', 'month']],
      ['message-history', ['message_id']],
    ]);
  });

  it('maps every column type of the table to a DuckDB type', () => {
    for (const column of [...catalog.table.columns, ...catalog.table.partitionKeys])
      expect(() => duckDbType(column.type)).not.toThrow();
  });
});

describe('named queries on the local lake', () => {
  it('daily-counts: events per day, tenant and event type in the month asked for', async () => {
    const { columns, rows } = await runNamedQuery(catalog, 'daily-counts', december, lake);
    expect(columns).toEqual(['year', 'month', 'day', 'tenant', 'event_type', 'events']);
    expect(rows.map((r) => [r.day, r.tenant, r.event_type, r.events])).toEqual([
      [1, 'acme', 'bounced', 1],
      [1, 'acme', 'delivered', 2],
      [1, 'acme', 'opened', 1],
      [1, 'acme', 'processed', 3],
      [1, 'globex', 'bounced', 1],
      [1, 'globex', 'processed', 1],
      [2, 'acme', 'bounced', 1],
      [2, 'acme', 'clicked', 1],
      [2, 'acme', 'complained', 1],
      [2, 'acme', 'processed', 1],
      [2, 'globex', 'bounced', 1],
      [2, 'globex', 'complained', 1],
      [2, 'globex', 'processed', 1],
    ]);
    expect(rows.every((r) => r.year === 2026 && r.month === 12)).toBe(true);
  });

  it('daily-counts: another month has only its own events', async () => {
    const { rows } = await runNamedQuery(catalog, 'daily-counts', { year: '2026', month: '11' }, lake);
    expect(rows).toEqual([
      { year: 2026, month: 11, day: 30, tenant: 'acme', event_type: 'processed', events: 1 },
    ]);
  });

  it('bounce-complaint-rates: hard bounces and complaints per mail sent, per tenant', async () => {
    const { rows } = await runNamedQuery(catalog, 'bounce-complaint-rates', december, lake);
    expect(rows).toEqual([
      { tenant: 'acme', sent: 4, bounced: 1, complained: 1, bounce_rate: 0.25, complaint_rate: 0.25 },
      { tenant: 'globex', sent: 2, bounced: 1, complained: 1, bounce_rate: 0.5, complaint_rate: 0.5 },
    ]);
  });

  it('message-history: one SES message’s events across days, oldest first, in UTC', async () => {
    const { rows } = await runNamedQuery(catalog, 'message-history', { message_id: 'A1' }, lake);
    expect(rows.map((r) => [r.occurred_at, r.provider, r.provider_event, r.recipient])).toEqual([
      ['2026-12-01T09:00:00.000Z', 'ses', 'Send', 'recipient@example.com'],
      ['2026-12-01T09:00:05.000Z', 'ses', 'Delivery', 'recipient@example.com'],
      ['2026-12-01T10:30:00.000Z', 'ses', 'Open', 'recipient@example.com'],
      ['2026-12-02T08:00:00.000Z', 'ses', 'Click', 'recipient@example.com'],
    ]);
    expect(rows[1]?.detail).toBe('250 2.6.0 Message received');
  });

  it('message-history: one SendGrid message’s events, with what SendGrid said', async () => {
    const { rows } = await runNamedQuery(catalog, 'message-history', { message_id: 'A3' }, lake);
    expect(rows.map((r) => [r.occurred_at, r.provider, r.provider_event, r.recipient, r.detail])).toEqual([
      ['2026-12-01T09:20:00.000Z', 'sendgrid', 'processed', 'example@test.com', null],
      ['2026-12-01T09:20:04.000Z', 'sendgrid', 'delivered', 'example@test.com', '250 OK'],
      ['2026-12-02T15:00:00.000Z', 'sendgrid', 'spamreport', 'example@test.com', null],
    ]);
  });

  it('message-history: a message the lake does not know has no rows', async () => {
    const { rows } = await runNamedQuery(catalog, 'message-history', { message_id: 'nope' }, lake);
    expect(rows).toEqual([]);
  });

  it('reads a line that is not a JSON object as NULLs, as ignore.malformed.json does on Athena', async () => {
    const dir = writeLake(join(tmp, 'malformed'), [
      {
        provider: 'ses',
        hour: '2026-12-01T00',
        records: [sesEvent('send', acme('B1'), '2026-12-01T00:00:00.000Z', '')],
        rawLines: ['not json', '[1, 2]', '42'],
      },
    ]);
    const { rows } = await runNamedQuery(catalog, 'daily-counts', december, dir);
    expect(rows.map((r) => [r.day, r.tenant, r.event_type, r.events])).toEqual([
      [1, 'acme', 'processed', 1],
      [1, null, null, 3],
    ]);
  });
});

describe('what is refused', () => {
  it('an unknown query, naming the ones there are', async () => {
    const run = runNamedQuery(catalog, 'daily-count', december, lake);
    await expect(run).rejects.toBeInstanceOf(UnknownQueryError);
    await expect(run).rejects.toThrow(
      'No named query "daily-count". The events stack has: bounce-complaint-rates, daily-counts, message-history.',
    );
  });

  it('a missing parameter, naming it and the query’s parameters', async () => {
    const run = runNamedQuery(catalog, 'daily-counts', { year: '2026' }, lake);
    await expect(run).rejects.toBeInstanceOf(ParamError);
    await expect(run).rejects.toThrow(
      'Missing parameter month: daily-counts takes --param year=… --param month=….',
    );
  });

  it('a parameter the query does not take', async () => {
    await expect(
      runNamedQuery(catalog, 'message-history', { message_id: 'A1', tenant: 'acme' }, lake),
    ).rejects.toThrow('Unknown parameter tenant: message-history takes --param message_id=….');
  });

  it('a parameter that is not a whole number where the query compares it with one', async () => {
    const run = runNamedQuery(catalog, 'daily-counts', { year: '2026', month: 'december' }, lake);
    await expect(run).rejects.toBeInstanceOf(ParamError);
    await expect(run).rejects.toThrow('--param month=december: daily-counts needs a whole number there.');
  });

  it('an empty lake directory, and one that does not exist', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(join(empty, 'provider=ses', 'year=2026'), { recursive: true });
    for (const dir of [empty, join(tmp, 'absent')]) {
      const run = runNamedQuery(catalog, 'daily-counts', december, dir);
      await expect(run).rejects.toBeInstanceOf(EmptyLakeError);
      await expect(run).rejects.toThrow(`No lake data in ${dir}`);
    }
  });

  it('a named query whose ? has no name', () => {
    expect(() => paramsOf('q', 'SELECT 1 WHERE year = ? /* year */ AND month = ?')).toThrow(
      new LakeCatalogError('Named query q: parameter 2 has no name; write it as ? /* name */'),
    );
  });

  it('a stack without the Glue table', () => {
    expect(() => lakeCatalog({}, { resolveString: () => 's3://b/' })).toThrow(
      'The events stack declares 0 Glue tables; the lake needs one',
    );
  });
});

describe('Glue types as DuckDB types', () => {
  it('maps primitives, arrays, maps and nested structs', () => {
    expect(duckDbType('string')).toBe('VARCHAR');
    expect(duckDbType('array<struct<emailAddress:string,n:bigint>>')).toBe(
      'STRUCT("emailAddress" VARCHAR, "n" BIGINT)[]',
    );
    expect(duckDbType('map<string,array<int>>')).toBe('MAP(VARCHAR, INTEGER[])');
  });

  it('refuses a type it does not know, and broken syntax', () => {
    expect(() => duckDbType('struct<a:timestamp>')).toThrow('type "timestamp" is not supported');
    expect(() => duckDbType('array<string')).toThrow('">" was expected');
    expect(() => duckDbType('string>')).toThrow('unexpected text after the type');
  });
});

describe('pnpm lake:query', () => {
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await lakeQueryCli(argv, {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      root: repoRoot(__dirname),
      env: {},
      catalog: async () => catalog,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints a table', async () => {
    const { code, out } = await cli(
      'bounce-complaint-rates',
      '--param',
      'year=2026',
      '--param',
      'month=12',
      '--lake',
      lake,
    );
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'tenant  sent  bounced  complained  bounce_rate  complaint_rate',
      '------  ----  -------  ----------  -----------  --------------',
      'acme    4     1        1           0.25         0.25',
      'globex  2     1        1           0.5          0.5',
      '(2 rows)',
    ]);
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await cli('message-history', '--param', 'message_id=A3', '--lake', lake, '--json');
    expect(code).toBe(0);
    expect((JSON.parse(out) as unknown[]).length).toBe(3);
  });

  it('--help lists the named queries and their parameters', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toContain('Usage: pnpm lake:query <name>');
    expect(out).toContain('  daily-counts --param year=… --param month=…');
    expect(out).toContain('  message-history --param message_id=…');
  });

  it.each([
    [['nope', '--lake', 'x'], 'lake:query: No named query "nope".'],
    [['daily-counts', '--param', 'year=2026', '--lake', 'x'], 'lake:query: Missing parameter month'],
    [['daily-counts', '--param', 'year'], 'lake:query: --param year: write it as --param <name>=<value>'],
    [['daily-counts', '--param', 'year=1', '--param', 'year=2'], 'lake:query: --param year is given twice'],
    [['--frobnicate'], "lake:query: Unknown option '--frobnicate'"],
    [[], 'lake:query: Name a query.'],
  ])('exits 1 with the reason: %j', async (argv, reason) => {
    const { code, out, err } = await cli(...argv);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain(reason);
  });

  it('exits 1 on an empty lake', async () => {
    const { code, err } = await cli(
      'daily-counts',
      '--param',
      'year=2026',
      '--param',
      'month=12',
      '--lake',
      join(tmp, 'none'),
    );
    expect(code).toBe(1);
    expect(err).toBe(
      `lake:query: No lake data in ${join(tmp, 'none')}: no object under provider=<p>/year=YYYY/month=MM/day=DD/hour=HH/.`,
    );
  });
});

describe('pnpm lake:query without --lake', () => {
  let s3: LoopbackServer;
  let requests = 0;
  beforeAll(async () => {
    s3 = await listenOnLoopback(
      createServer((_req, res) => {
        requests++;
        res.statusCode = 503;
        res.end();
      }),
    );
  });
  afterAll(() => s3?.close());

  const cli = async (...argv: string[]) => {
    const err: string[] = [];
    const code = await lakeQueryCli(argv, {
      out: () => {},
      err: (t) => err.push(t),
      root: repoRoot(__dirname),
      env: { MAILROOM_AWS_ENDPOINT: s3.url },
      catalog: async () => catalog,
    });
    return { code, err: err.join('\n') };
  };

  it('refuses an unknown query or a missing parameter before asking S3', async () => {
    const before = requests;
    expect(await cli('nope')).toEqual({ code: 1, err: expect.stringContaining('No named query "nope"') });
    expect(await cli('message-history')).toEqual({
      code: 1,
      err: expect.stringContaining('Missing parameter message_id'),
    });
    expect(requests).toBe(before);
  });

  it('exits 1 naming the local cloud when its S3 does not answer', async () => {
    const { code, err } = await cli('daily-counts', '--param', 'year=2026', '--param', 'month=12');
    expect(code).toBe(1);
    expect(err).toMatch(
      /^lake:query: Cannot list the lake bucket mailroom-events-local-lake-000000000000 on the local cloud's S3 \(.*\)\. Start it with `pnpm dev`, or pass --lake <dir>\.$/,
    );
  });
});
