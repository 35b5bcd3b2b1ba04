/** Where a command writes, and how it asks for a secret; main.ts binds these to the process. */
export interface Io {
  /** One result line (or the JSON document) on stdout. */
  out(text: string): void;
  /** Errors and progress on stderr, so stdout stays the result alone. */
  err(text: string): void;
  /** Reads a secret: from the terminal without echo, or the whole of a piped stdin. */
  readSecret(prompt: string): Promise<string>;
}

/** Columns of text, padded to the widest cell; `-` for an absent value. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cells = [
    headers,
    ...rows.map((row) => row.map((c) => (c === undefined || c === null || c === '' ? '-' : String(c)))),
  ];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}

/** `key: value` lines for one record. */
export function fields(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  return Object.entries(record)
    .map(([k, v]) => {
      const text = v === undefined || v === null ? '-' : Array.isArray(v) ? v.join(', ') || '-' : String(v);
      return `${`${k}:`.padEnd(width + 1)} ${text}`;
    })
    .join('\n');
}
