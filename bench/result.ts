import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One benchmark's outcome, as docs/contract.md's `pnpm bench` row specifies it (extra fields allowed). */
export interface BenchResult {
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  /** > 1 means ours is better. */
  ratio: number;
  notes: string;
  [extra: string]: unknown;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function writeResult(result: BenchResult, dir = join(__dirname, 'results')): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
