import type { Command, Group } from './command';
import { GROUPS } from './commands';

export const GLOBAL_OPTIONS: ReadonlyArray<readonly [string, string]> = [
  ['--stage <name>', 'a deployed stage (stacks mailroom-<service>-<name>); default: the local cloud'],
  ['--region <region>', 'with --stage: the AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)'],
  ['--json', 'print the result as JSON (errors too, on stderr)'],
  ['-h, --help', 'show help'],
];

const LAKE = 'lake query <name> [--param k=v]';

const optionLines = (rows: ReadonlyArray<readonly [string, string]>) => {
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
};

const usageOf = (group: string, name: string, command: Command) =>
  [
    `${group} ${name}`,
    ...command.args,
    ...Object.entries(command.options ?? {}).map(
      ([flag, o]) => `[--${flag}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}]`,
    ),
  ].join(' ');

export function mainHelp(lakeAvailable: boolean): string {
  const lines = ['Usage: pnpm mailroom <command> [arguments] [--stage <name>] [--json]', '', 'Commands:'];
  const rows: Array<[string, string]> = [];
  for (const group of GROUPS) {
    for (const [name, command] of Object.entries(group.commands)) {
      rows.push([`${group.name} ${name} ${command.args.join(' ')}`.trim(), command.summary]);
    }
  }
  rows.push([LAKE, lakeAvailable ? 'run a named lake query (pnpm lake:query)' : 'see pnpm lake:query']);
  lines.push(...optionLines(rows), '', 'Options (every command):', ...optionLines(GLOBAL_OPTIONS));
  lines.push(
    '',
    'pnpm mailroom <group> --help lists a group; pnpm mailroom <group> <command> --help, one command.',
  );
  return lines.join('\n');
}

export function groupHelp(group: Group): string {
  return [
    `pnpm mailroom ${group.name}: ${group.summary}`,
    '',
    ...optionLines(
      Object.entries(group.commands).map(([name, c]) => [usageOf(group.name, name, c), c.summary]),
    ),
  ].join('\n');
}

export function commandHelp(group: string, name: string, command: Command): string {
  const own = Object.entries(command.options ?? {}).map(
    ([flag, o]) => [`--${flag}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`, o.help] as const,
  );
  return [
    `Usage: pnpm mailroom ${usageOf(group, name, command)} [--stage <name>] [--json]`,
    '',
    command.summary,
    ...(command.notes?.length ? ['', ...command.notes] : []),
    '',
    'Options:',
    ...optionLines([...own, ...GLOBAL_OPTIONS]),
  ].join('\n');
}

export function lakeHelp(lakeAvailable: boolean): string {
  return lakeAvailable
    ? `Usage: pnpm mailroom ${LAKE}\n\nRuns pnpm lake:query with the same arguments (its --help says more).`
    : `pnpm mailroom ${LAKE}: not in this build — see pnpm lake:query.`;
}
