import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findHolder, isOurs, killCommand, running, stopHolders } from '../../src/holders';
import { repoRoot } from '../../src/paths';
import { assertFree, DEFAULT_PORTS, PortError } from '../../src/ports';

const root = repoRoot();
const fixture = join(root, 'packages', 'local', 'test', 'fixtures', 'hold-port.cjs');

/** Starts a process that listens on a free port, in a process group of its own; resolves with the port. */
async function holding(args: string[], cwd: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, port: Number(line) };
}

describe('who holds a port', () => {
  let ours: { child: ChildProcess; port: number };
  let foreign: { child: ChildProcess; port: number };

  beforeAll(async () => {
    // Ours: run from this repository, as a service or emulator left by an earlier `pnpm dev` is.
    ours = await holding([fixture], root);
    // Foreign: nothing in its command line says Mailroom.
    foreign = await holding(
      ['-e', 'const s = require("net").createServer().listen(0, () => console.log(s.address().port))'],
      tmpdir(),
    );
  });
  afterAll(() => {
    for (const { child } of [ours, foreign]) if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('finds and names a Mailroom process holding a port', () => {
    expect(findHolder(ours.port, root)).toEqual({
      pid: ours.child.pid,
      pgid: ours.child.pid,
      ppid: process.pid,
      command: `${process.execPath} ${fixture}`,
      ours: true,
    });
    expect(killCommand(findHolder(ours.port, root)!, root)).toBe(`kill -TERM -- -${ours.child.pid}`);
  });

  it('finds a foreign holder but does not take it for ours', () => {
    expect(findHolder(foreign.port, root)).toEqual(
      expect.objectContaining({ pid: foreign.child.pid, ours: false }),
    );
  });

  it('finds nobody on a free port', async () => {
    const free = await holding([fixture], root);
    free.child.kill('SIGKILL');
    await once(free.child, 'exit');
    expect(findHolder(free.port, root)).toBeUndefined();
  });

  it('tells a taken port held by ours from one held by something else', async () => {
    const ports = { ...DEFAULT_PORTS, ses: ours.port, sendgrid: foreign.port };
    const error = (await assertFree(ports, ['ses', 'sendgrid'], root).catch((e: unknown) => e)) as PortError;
    expect(error).toBeInstanceOf(PortError);
    expect(error.message.split('\n')).toHaveLength(2);
    expect(error.message.split('\n')).toEqual(
      expect.arrayContaining([
        `port ${foreign.port} (sendgrid) is already in use: stop what holds it or set MAILROOM_SENDGRID_PORT`,
        `port ${ours.port} (ses) is held by pid ${ours.child.pid}, a Mailroom process (left from an earlier run?): ${process.execPath} ${fixture}`,
      ]),
    );
    expect(error.ours().map((h) => h.pid)).toEqual([ours.child.pid]);
  });

  it('stops the holder of ours and leaves the foreign one alone', async () => {
    const holders = [findHolder(ours.port, root)!];
    const exited = once(ours.child, 'exit');
    await stopHolders(holders, root);
    await exited;
    expect(running(ours.child.pid!)).toBe(false);
    expect(running(foreign.child.pid!)).toBe(true);
    await expect(assertFree({ ...DEFAULT_PORTS, ses: ours.port }, ['ses'], root)).resolves.toBeUndefined();
  });

  it.each([
    ['/usr/bin/node /srv/other/node_modules/serverless/bin/serverless.js offline start --stage local', true],
    [
      'java -Djava.library.path=../../lib/x/DynamoDBLocal_lib -jar ../../lib/x/DynamoDBLocal.jar -port 8000',
      true,
    ],
    ['/usr/bin/node /srv/other/node_modules/fauxqs/dist/cli.js', true],
    [`/usr/bin/node ${root}/node_modules/tsx/dist/loader.mjs ${root}/scripts/dev.ts`, true],
    [`/usr/bin/node ${root}-other/server.js`, false],
    ['python3 -m http.server 8000', false],
    ['/usr/sbin/nginx -g daemon off;', false],
  ])('takes %s for ours: %s', (command, expected) => {
    expect(isOurs(command, root)).toBe(expected);
  });
});
