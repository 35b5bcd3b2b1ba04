import { parseArgs } from 'node:util';
import type { Context } from './context';
import { UsageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** What the value looks like in help, e.g. `<cidr>,...`. */
  value?: string;
  help: string;
}

export interface Parsed {
  /** Positional arguments by name. */
  args: Record<string, string>;
  options: Record<string, string | boolean | undefined>;
}

/** What a command answers: JSON for `--json`, text otherwise. */
export interface Result {
  json: unknown;
  text: string;
}

export interface Command {
  /** Arguments, in order: `<id>` required, `[id]` optional. */
  args: readonly string[];
  summary: string;
  options?: Record<string, OptionSpec>;
  /** More lines for `--help`. */
  notes?: readonly string[];
  run(input: Parsed, ctx: Context): Promise<Result>;
}

export interface Group {
  name: string;
  summary: string;
  commands: Record<string, Command>;
}

const argName = (spec: string) => spec.replace(/^[<[]|[>\]]$/g, '');
const required = (spec: string) => spec.startsWith('<');

/** Parses a command's own arguments and flags (the global ones are gone already); UsageError on any fault. */
export function parseCommand(name: string, command: Command, argv: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(command.options ?? {}).map(([flag, spec]) => [flag, { type: spec.type }]),
      ),
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    // node's messages name the flag: "Unknown option '--x'", "Option '--scopes <value>' argument missing".
    throw new UsageError((err as Error).message.split('. ')[0] ?? String(err), name);
  }
  const args: Record<string, string> = {};
  command.args.forEach((spec, i) => {
    const value = parsed.positionals[i];
    if (value === undefined || value === '') {
      if (required(spec)) throw new UsageError(`missing argument ${spec}`, name);
      return;
    }
    args[argName(spec)] = value;
  });
  if (parsed.positionals.length > command.args.length) {
    throw new UsageError(`unexpected argument "${parsed.positionals[command.args.length]}"`, name);
  }
  return { args, options: parsed.values as Parsed['options'] };
}

/** `--send-rate 5` as a number, or UsageError naming the flag. */
export function numberOption(
  value: string | boolean | undefined,
  flag: string,
  check: (n: number) => boolean,
  expected: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`--${flag} must be ${expected}, not "${String(value)}"`);
  }
  return n;
}

/** `--provider ses` out of `choices`, or UsageError. */
export function choiceOption<T extends string>(
  value: string | boolean | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, not "${String(value)}"`);
  }
  return value as T;
}

/** A comma list (`send,read`), empty entries dropped. */
export const listOption = (value: string | boolean | undefined): string[] | undefined =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : undefined;
