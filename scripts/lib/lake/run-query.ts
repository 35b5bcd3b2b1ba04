/**
 * Runs an Athena named query with DuckDB on a local copy of the lake. The query text is not
 * rewritten: the Glue table becomes a DuckDB view of the same name and columns over the gzip NDJSON
 * files, and the few Trino functions the queries use that DuckDB lacks become macros (TRINO_MACROS).
 * docs/lake.md lists each difference.
 */
import { DuckDBInstance, DuckDBTypeId, type DuckDBPreparedStatement } from '@duckdb/node-api';
import type { LakeCatalog, LakeTable, NamedQuery } from './catalog';
import { EmptyLakeError, LakeCatalogError, ParamError, UnknownQueryError } from './errors';
import { duckDbType } from './hive-types';

export interface QueryResult {
  columns: string[];
  /** Plain JSON values: numbers for counts, ISO 8601 strings for timestamps. */
  rows: Record<string, unknown>[];
}

/**
 * Trino functions as DuckDB macros. Each is one the named queries use and DuckDB spells otherwise.
 * https://trino.io/docs/current/functions/datetime.html
 */
export const TRINO_MACROS = [
  // Trino: unix seconds → timestamp with time zone. DuckDB: to_timestamp.
  'CREATE MACRO from_unixtime(seconds) AS to_timestamp(seconds)',
  // Trino: ISO 8601 text → timestamp with time zone. DuckDB: a cast.
  'CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)',
];

const INTEGER_TYPES = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
]);

export function findQuery(catalog: LakeCatalog, name: string): NamedQuery {
  const query = catalog.queries.find((q) => q.name === name);
  if (!query)
    throw new UnknownQueryError(
      name,
      catalog.queries.map((q) => q.name),
    );
  return query;
}

/** The query's parameters by name, in the order they first appear. */
export const paramNames = (query: NamedQuery): string[] => [...new Set(query.params)];

export function checkParams(query: NamedQuery, params: Record<string, string>): void {
  const names = paramNames(query);
  const unknown = Object.keys(params).filter((p) => !names.includes(p));
  const usage = names.length
    ? `${query.name} takes ${names.map((n) => `--param ${n}=…`).join(' ')}`
    : `${query.name} takes no parameters`;
  if (unknown.length) throw new ParamError(`Unknown parameter ${unknown.join(', ')}: ${usage}.`);
  const missing = names.filter((n) => params[n] === undefined);
  if (missing.length) throw new ParamError(`Missing parameter ${missing.join(', ')}: ${usage}.`);
}

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** Every object Firehose writes: `<dir>/<prefix>provider=…/year=…/month=…/day=…/hour=…/<object>`. */
function lakeGlob(table: LakeTable, lakeDir: string): string {
  const partitions = table.partitionKeys.map((k) => `${k.name}=*`).join('/');
  return `${lakeDir.replace(/\/$/, '')}/${table.prefix}${partitions}/*`;
}

/** The Glue table as a view: same name, same columns, same types, partition keys from the paths. */
function tableView(table: LakeTable, glob: string): string {
  const struct = (columns: { name: string; type: string }[]): string =>
    `{${columns.map((c) => `${quote(c.name)}: ${quote(duckDbType(c.type))}`).join(', ')}}`;
  return `CREATE VIEW "${table.name}" AS SELECT * FROM read_json(${quote(glob)},
    format = 'newline_delimited', compression = 'gzip', ignore_errors = ${table.ignoreMalformed},
    hive_partitioning = true, hive_types = ${struct(table.partitionKeys)}, columns = ${struct(table.columns)})`;
}

/** Binds each `?` by its name; integers are checked here so a typo is named rather than cast. */
function bind(prepared: DuckDBPreparedStatement, query: NamedQuery, params: Record<string, string>): void {
  query.params.forEach((name, i) => {
    const value = params[name] as string;
    const type = prepared.parameterTypeId(i + 1);
    if (INTEGER_TYPES.has(type) && !/^[+-]?\d+$/.test(value))
      throw new ParamError(`--param ${name}=${value}: ${query.name} needs a whole number there.`);
    prepared.bindVarchar(i + 1, value);
  });
}

const plain = (value: unknown): unknown => {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
};

export async function runNamedQuery(
  catalog: LakeCatalog,
  name: string,
  params: Record<string, string>,
  lakeDir: string,
): Promise<QueryResult> {
  const query = findQuery(catalog, name);
  checkParams(query, params);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const glob = lakeGlob(catalog.table, lakeDir);
    const found = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM glob(${quote(glob)})`);
    if (found.getRowObjectsJS()[0]?.n === 0) throw new EmptyLakeError(lakeDir);
    // Athena answers in UTC; so do the macros and every timestamp printed.
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const macro of TRINO_MACROS) await connection.run(macro);
    await connection.run(tableView(catalog.table, glob));
    const prepared = await connection.prepare(query.sql).catch((error: Error) => {
      throw new LakeCatalogError(`Named query ${query.name} does not run on DuckDB: ${error.message}`);
    });
    bind(prepared, query, params);
    const reader = await prepared.runAndReadAll().catch((error: Error) => {
      if (error.message.startsWith('Conversion Error'))
        throw new ParamError(`${query.name}: a parameter does not fit: ${error.message}`);
      throw error;
    });
    return {
      columns: reader.columnNames(),
      rows: reader.getRowObjectsJS().map((row) => plain(row) as Record<string, unknown>),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
