/** A query result as an aligned text table, for people; `--json` prints the rows instead. */
import type { QueryResult } from './run-query';

const cell = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

export function formatTable({ columns, rows }: QueryResult): string {
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] as string).length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(columns), rule, ...cells.map(line), count].join('\n');
}
