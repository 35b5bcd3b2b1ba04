/**
 * `pnpm mailroom`: the admin CLI. runCli parses the command line, runs one command against a Context
 * (the real one from connect.ts, or in-memory twins in tests) and answers an exit code; it never exits
 * the process itself.
 */
import { parseCommand } from './command';
import { GROUPS } from './commands';
import type { Context } from './context';
import { describeError, EXIT, UsageError } from './errors';
import { commandHelp, groupHelp, lakeHelp, mainHelp } from './help';
import type { Io } from './io';

export interface GlobalOptions {
  stage?: string;
  region?: string;
  json: boolean;
  help: boolean;
}

export interface CliDeps {
  io: Io;
  /** Builds the context once the command line is known to be good. */
  connect(options: GlobalOptions): Context | Promise<Context>;
  /** Whether `pnpm lake:query` exists in this build (`lake query` passes through to it). */
  lakeAvailable?: boolean;
}

const VALUED = new Set(['--stage', '--region']);

/** Takes the global flags out wherever they stand; the rest is `<group> <command> ...`. */
export function splitGlobal(argv: readonly string[]): { global: GlobalOptions; rest: string[] } {
  const global: GlobalOptions = { json: false, help: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] =
      token.startsWith('--') && token.includes('=')
        ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)]
        : [token, undefined];
    if (VALUED.has(flag!)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || value.startsWith('-'))
        throw new UsageError(`${flag} needs a value`);
      if (flag === '--stage' && !/^[a-zA-Z0-9-]{1,64}$/.test(value)) {
        throw new UsageError(`--stage must be letters, digits and "-", not "${value}"`);
      }
      global[flag === '--stage' ? 'stage' : 'region'] = value;
    } else if (token === '--json') global.json = true;
    else if (token === '--help' || token === '-h') global.help = true;
    else rest.push(token);
  }
  return { global, rest };
}

export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  const { io } = deps;
  let json = argv.includes('--json');
  let local = true;
  try {
    const { global, rest } = splitGlobal(argv);
    json = global.json;
    local = global.stage === undefined;
    const [groupName, commandName, ...tail] = rest;
    if (groupName === undefined) {
      if (global.help) return done(io, mainHelp(!!deps.lakeAvailable));
      throw new UsageError('missing command');
    }
    if (groupName === 'lake') return await lake(commandName, tail, global, deps);
    const group = GROUPS.find((g) => g.name === groupName);
    if (!group) throw new UsageError(`unknown command "${groupName}"`);
    if (commandName === undefined || commandName.startsWith('-')) {
      if (global.help && commandName === undefined) return done(io, groupHelp(group));
      throw new UsageError(
        `missing command: ${group.name} ${Object.keys(group.commands).join('|')}`,
        group.name,
      );
    }
    const command = Object.hasOwn(group.commands, commandName) ? group.commands[commandName] : undefined;
    if (!command) throw new UsageError(`unknown command "${group.name} ${commandName}"`, group.name);
    if (global.help) return done(io, commandHelp(group.name, commandName, command));
    const input = parseCommand(`${group.name} ${commandName}`, command, tail);
    const ctx = await deps.connect(global);
    const result = await command.run(input, ctx);
    io.out(json ? JSON.stringify(result.json, null, 2) : result.text);
    return EXIT.ok;
  } catch (err) {
    const { code, message } = describeError(err, { local });
    if (json) io.err(JSON.stringify({ error: { code, message } }));
    else {
      io.err(`mailroom: ${message}`);
      if (err instanceof UsageError) {
        io.err(`Run 'pnpm mailroom ${err.command ? `${err.command} ` : ''}--help' for usage.`);
      }
    }
    return err instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

function done(io: Io, text: string): number {
  io.out(text);
  return EXIT.ok;
}

async function lake(
  command: string | undefined,
  args: string[],
  global: GlobalOptions,
  deps: CliDeps,
): Promise<number> {
  if (command !== 'query') {
    if (global.help && command === undefined) return done(deps.io, lakeHelp(!!deps.lakeAvailable));
    throw new UsageError(
      command === undefined ? 'missing command: lake query' : `unknown command "lake ${command}"`,
      'lake',
    );
  }
  if (global.help && !deps.lakeAvailable) return done(deps.io, lakeHelp(false));
  const ctx = await deps.connect(global);
  if (!deps.lakeAvailable || !ctx.lakeQuery) {
    throw new UsageError('lake query is not part of this build: see pnpm lake:query', 'lake');
  }
  return ctx.lakeQuery([...args, ...(global.help ? ['--help'] : []), ...(global.json ? ['--json'] : [])]);
}
