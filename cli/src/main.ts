/** `pnpm mailroom`: binds runCli to this process (argv, stdio, exit code). */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@mailroom/local';
import { runCli } from './cli';
import { connect } from './connect';
import type { Io } from './io';
import { readSecret } from './secret-input';
import { localTarget, stageTarget } from './target';

// The SDK warns at every start that its releases after early 2027 need Node 22 (docs/toolchain.md): noise
// on an operator's terminal. It reads this switch when the first client is built, which is later.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const root = repoRoot(__dirname);
const scripts =
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> })
    .scripts ?? {};
const lakeAvailable = 'lake:query' in scripts;

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readSecret: (prompt) => readSecret(prompt, process.stdin, process.stderr),
};

/** `pnpm lake:query <args>`, with this process's stdio; its exit code. */
const lakeQuery = (args: readonly string[]): Promise<number> =>
  new Promise((resolve, reject) => {
    const pnpm = process.env.npm_execpath;
    const [command, prefix] = pnpm && existsSync(pnpm) ? [process.execPath, [pnpm]] : ['pnpm', []];
    const child = spawn(command, [...prefix, '--silent', 'run', 'lake:query', ...args], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });

runCli(process.argv.slice(2), {
  io,
  lakeAvailable,
  connect: ({ stage, region }) =>
    connect(stage === undefined ? localTarget(process.env, root) : stageTarget(stage, region), io, {
      ...(lakeAvailable && { lakeQuery }),
    }),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
