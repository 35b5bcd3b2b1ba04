/**
 * Child processes the local cloud starts. Each runs in its own process group (detached), so
 * stopping it reaches everything it started in turn (java, esbuild, workers), and its output
 * is logged line by line with a prefix. Each runs under watchdog.cjs, which ends its group when
 * this process is gone, even killed with SIGKILL.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from './logger';

export interface Child {
  readonly label: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** The last lines of its output, for error messages. */
  tail(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once it exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Child>();

// Last resort when the parent exits without stopping us (an uncaught error, process.exit in a
// test runner): detached groups would otherwise outlive it.
process.once('exit', () => {
  for (const child of live) killGroup(child.pid, 'SIGKILL');
});

export type LineLevel = 'info' | 'debug';

export function adopt(
  process_: ChildProcess,
  label: string,
  logger: Logger,
  level: LineLevel = 'info',
): Child {
  if (process_.pid === undefined) throw new Error(`${label}: failed to start`);
  const pid = process_.pid;
  const lines: string[] = [];
  let done = false;
  const log = (line: string) => {
    lines.push(line);
    if (lines.length > 30) lines.shift();
    logger[level](`[${label}] ${line}`);
  };
  for (const stream of [process_.stdout, process_.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', log);
  }
  // The watchdog's end of this pipe closes when it exits; writing is never needed.
  process_.stdin?.on('error', () => {});
  const exited = new Promise<number | string>((resolve) => {
    process_.once('exit', (code, signal) => {
      done = true;
      process_.stdin?.destroy();
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    process_.once('error', (e) => {
      done = true;
      live.delete(child);
      log(String(e));
      resolve('error');
    });
  });
  let stopping: Promise<void> | undefined;
  const child: Child = {
    label,
    pid,
    exited,
    hasExited: () => done,
    tail: () => lines.join('\n'),
    stop: (graceMs = 5000) =>
      (stopping ??= (async () => {
        if (done) return;
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        // The leader may exit before the rest of its group (esbuild, java): finish them, and
        // wait until init has reaped them too, so "stopped" means no process is left.
        killGroup(pid, 'SIGKILL');
        for (let i = 0; i < 60 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      })()),
  };
  live.add(child);
  return child;
}

export function start(
  command: string,
  args: string[],
  options: SpawnOptions & { label: string; logger: Logger; level?: LineLevel },
): Child {
  const { label, logger, level, ...spawnOptions } = options;
  return adopt(spawnWatched(command, args, spawnOptions), label, logger, level);
}

const WATCHDOG = join(__dirname, 'watchdog.cjs');

/**
 * Spawns `command` under watchdog.cjs, in a process group of its own. Its stdin is the pipe whose
 * end of file tells the watchdog this process is gone, so it is not the command's.
 */
export function spawnWatched(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(process.execPath, [WATCHDOG, command, ...args], {
    ...options,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Polls `check` until it answers true; fails early if `child` exits, or after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  { timeoutMs = 60_000, child }: { timeoutMs?: number; child?: Child } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (child?.hasExited()) {
      throw new Error(
        `${what}: ${child.label} exited before it was ready. Its last output:\n${child.tail()}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${timeoutMs / 1000} s${child ? `. Last output:\n${child.tail()}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** For a start that failed after spawning: stops the child, then fails with the same error. */
export const stopAndThrow =
  (child: Child) =>
  async (error: unknown): Promise<never> => {
    await child.stop();
    throw error;
  };

/** True when `url` answers with a status below 500 (any answer means it is listening). */
export async function answers(
  url: string,
  ok: (status: number) => boolean = (s) => s < 500,
): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return ok(res.status);
}
