/**
 * The lake's catalogue as the events stack declares it (services/events/resources/lake.yml): the Glue
 * table's columns, partition keys and location, and the Athena named queries. Read from the stack's
 * resolved configuration, so `pnpm lake:query` runs exactly what deploys.
 */
import type { Resolver } from '@mailroom/local';
import { z } from 'zod';
import { LakeCatalogError } from './errors';

/** A stack's `resources.Resources`, as `serverless print` gives them. */
export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export interface LakeColumn {
  name: string;
  /** The Glue (Hive) type, e.g. `struct<messageId:string>`. */
  type: string;
}

export interface LakeTable {
  name: string;
  columns: LakeColumn[];
  partitionKeys: LakeColumn[];
  /** `s3://<bucket>/<prefix>` resolved locally. */
  bucket: string;
  prefix: string;
  /** The SerDe's `ignore.malformed.json`: a line that is not a JSON object reads as NULLs. */
  ignoreMalformed: boolean;
}

export interface NamedQuery {
  name: string;
  description: string;
  sql: string;
  /** One name per `?` in the query, in order (a name may repeat). */
  params: string[];
}

export interface LakeCatalog {
  table: LakeTable;
  queries: NamedQuery[];
}

const ColumnSchema = z.object({ Name: z.string().min(1), Type: z.string().min(1) });

const TableSchema = z.object({
  TableInput: z.object({
    Name: z.string().min(1),
    PartitionKeys: z.array(ColumnSchema).default([]),
    StorageDescriptor: z.object({
      Location: z.unknown(),
      Columns: z.array(ColumnSchema).min(1),
      SerdeInfo: z.object({ Parameters: z.record(z.string(), z.string()).optional() }).optional(),
    }),
  }),
});

const NamedQuerySchema = z.object({
  Name: z.string().min(1),
  Description: z.string().default(''),
  QueryString: z.string().min(1),
});

/** A `?` and the comment that names it: `? /* year *\/`. */
const PARAM = /\?(\s*\/\*\s*([A-Za-z_][A-Za-z0-9_]*)\s*\*\/)?/g;

export function paramsOf(queryName: string, sql: string): string[] {
  return [...sql.matchAll(PARAM)].map((match, i) => {
    if (match[2] === undefined)
      throw new LakeCatalogError(
        `Named query ${queryName}: parameter ${i + 1} has no name; write it as ? /* name */`,
      );
    return match[2];
  });
}

/** Builds the catalogue from a stack's resources; `resolver` evaluates the table's location locally. */
export function lakeCatalog(resources: Resources, resolver: Pick<Resolver, 'resolveString'>): LakeCatalog {
  const tables = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Glue::Table');
  if (tables.length !== 1)
    throw new LakeCatalogError(`The events stack declares ${tables.length} Glue tables; the lake needs one`);
  const [tableId, tableResource] = tables[0]!;
  const parsed = TableSchema.safeParse(tableResource.Properties);
  if (!parsed.success) throw new LakeCatalogError(`${tableId}: ${z.prettifyError(parsed.error)}`);
  const input = parsed.data.TableInput;
  const location = resolver.resolveString(input.StorageDescriptor.Location, `${tableId} location`);
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!s3) throw new LakeCatalogError(`${tableId}: location ${location} is not an s3:// URL`);
  const columns = input.StorageDescriptor.Columns.map((c) => ({ name: c.Name, type: c.Type }));
  const table: LakeTable = {
    name: input.Name,
    columns,
    partitionKeys: input.PartitionKeys.map((c) => ({ name: c.Name, type: c.Type })),
    bucket: s3[1] as string,
    prefix: s3[2] as string,
    ignoreMalformed: input.StorageDescriptor.SerdeInfo?.Parameters?.['ignore.malformed.json'] === 'true',
  };
  const queries = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Athena::NamedQuery')
    .map(([id, r]) => {
      const query = NamedQuerySchema.safeParse(r.Properties);
      if (!query.success) throw new LakeCatalogError(`${id}: ${z.prettifyError(query.error)}`);
      const { Name: name, Description: description, QueryString: sql } = query.data;
      return { name, description, sql, params: paramsOf(name, sql) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { table, queries };
}
