/**
 * `pnpm lake:query <name> [--param k=v]... [--lake <dir>] [--json]`: one of the events stack's Athena
 * named queries, run with DuckDB on the local lake (docs/lake.md).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_PORTS, LOCAL_REGION, portEnvName } from '@mailroom/local';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LakeCatalog } from './catalog';
import { EmptyLakeError, LakeQueryError, UsageError } from './errors';
import { formatTable } from './format';
import { copyLake } from './local-lake';
import { checkParams, findQuery, paramNames, runNamedQuery } from './run-query';
import { loadLakeCatalog } from './stack';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  root: string;
  env: NodeJS.ProcessEnv;
  /** Reads the catalogue; tests may hand one in. Default: the events stack's (`serverless print`). */
  catalog?: (awsEndpoint: string) => Promise<LakeCatalog>;
}

const USAGE = `Usage: pnpm lake:query <name> [--param <name>=<value>]... [--lake <dir>] [--json]

Runs one of the events stack's Athena named queries with DuckDB on the local lake.

  --param k=v   a value for the query's ? /* k */ placeholders (repeat for each)
  --lake <dir>  read the lake from this directory (provider=…/year=…/month=…/day=…/hour=…/ below it)
                instead of copying the local cloud's lake bucket (pnpm dev must be running)
  --json        print the rows as JSON instead of a table
  --help        this text and the named queries`;

function parseParams(values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of values) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--param ${pair}: write it as --param <name>=<value>`);
    const name = pair.slice(0, at);
    if (name in params) throw new UsageError(`--param ${name} is given twice`);
    params[name] = pair.slice(at + 1);
  }
  return params;
}

const describe = (catalog: LakeCatalog): string =>
  [
    'Named queries:',
    ...catalog.queries.map((q) => {
      const params = paramNames(q).map((p) => ` --param ${p}=…`);
      return `  ${q.name}${params.join('')}\n      ${q.description}`;
    }),
  ].join('\n');

/** Returns the exit code: 0, or 1 after printing why. */
export async function lakeQueryCli(argv: string[], io: CliIo): Promise<number> {
  // The local cloud's S3: where it tells services it is, else its port (docs/contract.md).
  const awsEndpoint =
    io.env.MAILROOM_AWS_ENDPOINT || `http://localhost:${io.env[portEnvName('aws')] || DEFAULT_PORTS.aws}`;
  const loadCatalog = io.catalog ?? ((endpoint: string) => loadLakeCatalog(io.root, endpoint));
  let tmp: string | undefined;
  try {
    const args = (() => {
      try {
        return parseArgs({
          args: argv,
          allowPositionals: true,
          options: {
            param: { type: 'string', multiple: true, default: [] },
            lake: { type: 'string' },
            json: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false },
          },
        });
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    })();
    if (args.values.help) {
      io.out(`${USAGE}\n\n${describe(await loadCatalog(awsEndpoint))}`);
      return 0;
    }
    const [name, ...extra] = args.positionals;
    if (!name) throw new UsageError('Name a query.');
    if (extra.length) throw new UsageError(`One query at a time: ${extra.join(' ')} is extra`);
    const params = parseParams(args.values.param);
    const catalog = await loadCatalog(awsEndpoint);
    // Refused before the lake is copied: a typo should not wait for, or hide behind, the local cloud.
    checkParams(findQuery(catalog, name), params);
    let lakeDir = args.values.lake;
    if (lakeDir === undefined) {
      tmp = await mkdtemp(join(tmpdir(), 'mailroom-lake-'));
      lakeDir = tmp;
      const s3 = new S3Client({
        region: LOCAL_REGION,
        endpoint: awsEndpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      try {
        const copied = await copyLake(s3, catalog.table, lakeDir);
        if (copied === 0) throw new EmptyLakeError(`the local cloud's lake bucket ${catalog.table.bucket}`);
      } finally {
        s3.destroy();
      }
    }
    const result = await runNamedQuery(catalog, name, params, lakeDir);
    io.out(args.values.json ? JSON.stringify(result.rows, null, 2) : formatTable(result));
    return 0;
  } catch (error) {
    if (!(error instanceof LakeQueryError)) throw error;
    io.err(`lake:query: ${error.message}`);
    if (error instanceof UsageError) io.err(`\n${USAGE}`);
    return 1;
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}
