import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot, SERVICE_NAMES } from '../../packages/local/src/paths';
import { launch, portsFree, stillRunning, tree, waitGone, type Launcher } from './support/launcher';

// `pnpm dev` on free ports, as a terminal runs it. Bounds are generous (the machine is shared);
// nothing here waits on a guess: every wait ends on what a process printed, did or left.
describe('pnpm dev', () => {
  let launcher: Launcher | undefined;

  afterEach(() => {
    // A failed test must not leave its launcher running (its children then stop themselves).
    if (launcher?.child.exitCode === null && launcher.child.signalCode === null) {
      process.kill(-launcher.child.pid!, 'SIGKILL');
    }
    launcher = undefined;
  });

  it('serves GET /health on every service, then stops every process it started, and frees every port, on a hang-up', async () => {
    launcher = await launch();
    await launcher.ready();
    const started = tree(launcher.child.pid!);
    const commands = started.map((p) => p.command).join('\n');
    expect(commands).toContain('DynamoDBLocal.jar');
    for (const service of SERVICE_NAMES)
      expect(commands).toContain(`services/${service}/node_modules/serverless`);
    // Side by side: each is its service's first call, a cold start of its own.
    const health = async (service: string, port: number) => {
      const res = await fetch(`http://localhost:${port}/health`);
      return [service, res.status, await res.json()];
    };
    const ports = launcher.ports;
    expect(await Promise.all(SERVICE_NAMES.map((s) => health(s, ports[s])))).toEqual(
      SERVICE_NAMES.map((s) => [s, 200, { ok: true }]),
    );

    // Closing the terminal: SIGHUP to the job's process group.
    process.kill(-launcher.child.pid!, 'SIGHUP');
    expect(await launcher.exited).toBe(0);
    expect(launcher.output()).toContain('SIGHUP: stopping the local cloud');
    expect(launcher.output()).toContain('stopped');
    expect(await waitGone(started, 10_000)).toEqual([]);
    await expect(portsFree(launcher.ports)).resolves.toBeUndefined();
  }, 240_000);

  it('leaves no child behind when it is killed outright (SIGKILL)', async () => {
    // inbound: the service with the fewest functions to bundle.
    launcher = await launch({ MAILROOM_DEV_SERVICES: 'inbound' });
    await launcher.ready();
    const started = tree(launcher.child.pid!);
    expect(started.map((p) => p.command).join('\n')).toContain('serverless.js offline start');

    // Only the launcher: nothing else is told, as when the OOM killer or `kill -9` ends it.
    process.kill(launcher.child.pid!, 'SIGKILL');
    await launcher.exited;
    // The watchdogs give their commands 5 s to stop on SIGTERM, then kill their groups.
    expect(await waitGone(started, 20_000)).toEqual([]);
    await expect(portsFree(launcher.ports)).resolves.toBeUndefined();
  }, 240_000);

  describe('when a Mailroom process from an earlier run holds a port', () => {
    let stale: ChildProcess;
    let staleExited: Promise<unknown>;
    let stalePort: number;

    beforeEach(async () => {
      const fixture = join(repoRoot(), 'packages', 'local', 'test', 'fixtures', 'hold-port.cjs');
      stale = spawn(process.execPath, [fixture], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      staleExited = once(stale, 'exit');
      const [line] = (await once(createInterface({ input: stale.stdout! }), 'line')) as [string];
      stalePort = Number(line);
    });
    afterEach(() => {
      if (stale.exitCode === null && stale.signalCode === null) stale.kill('SIGKILL');
    });

    it('names it and prints how to stop it, without a terminal to ask on', async () => {
      launcher = await launch({ MAILROOM_DEV_SERVICES: 'none', MAILROOM_SES_PORT: String(stalePort) });
      expect(await launcher.exited).toBe(1);
      expect(launcher.output()).toContain(`port ${stalePort} (ses) is held by pid ${stale.pid}`);
      expect(launcher.output()).toContain(`kill -TERM -- -${stale.pid}`);
      expect(stillRunning(tree(stale.pid!))).toHaveLength(1);
    }, 60_000);

    it('stops it and starts with MAILROOM_STOP_STALE=1', async () => {
      launcher = await launch({
        MAILROOM_DEV_SERVICES: 'none',
        MAILROOM_SES_PORT: String(stalePort),
        MAILROOM_STOP_STALE: '1',
      });
      await launcher.ready(60_000);
      expect(launcher.output()).toContain(`stopped pid ${stale.pid}`);
      await staleExited;
      process.kill(launcher.child.pid!, 'SIGTERM');
      expect(await launcher.exited).toBe(0);
    }, 90_000);
  });
});
