/**
 * Runs `scripts/dev.ts` as `pnpm dev` runs it, on free ports, and looks at the processes it
 * leaves: what tests of its signals and of its children's watchdogs need.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../../packages/local/src/paths';
import {
  assertFree,
  freePorts,
  portEnvName,
  PORT_NAMES,
  type Ports,
} from '../../../packages/local/src/ports';

export interface Launcher {
  child: ChildProcess;
  ports: Ports;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once it printed `mailroom ready`; rejects with its output if it exits first. */
  ready(timeoutMs?: number): Promise<void>;
  /** Resolves with its exit code (or signal) once it exited. */
  exited: Promise<number | string>;
}

/**
 * Starts the launcher in a process group of its own, as a shell starts a job: a hang-up then
 * reaches it the way closing the terminal does (SIGHUP to the group).
 */
export async function launch(env: NodeJS.ProcessEnv = {}): Promise<Launcher> {
  const ports = await freePorts();
  const portEnv = Object.fromEntries(PORT_NAMES.map((name) => [portEnvName(name), String(ports[name])]));
  // `node --import tsx`, not the tsx CLI: one process, so its pid is the launcher's.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], {
    cwd: repoRoot(),
    env: { ...process.env, ...portEnv, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let sawReady: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (sawReady = resolve));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (line === 'mailroom ready') sawReady();
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const output = () => lines.join('\n');
  return {
    child,
    ports,
    output,
    exited,
    ready: (timeoutMs = 150_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`not ready in ${timeoutMs} ms:\n${output()}`)),
          timeoutMs,
        );
        readyLine.then(() => (clearTimeout(timer), resolve()));
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`exited (${code}) before ready:\n${output()}`));
        });
      }),
  };
}

/** A process as /proc shows it; `start` (clock ticks after boot) tells it from a later one with its pid. */
export interface Proc {
  pid: number;
  start: string;
  command: string;
}

/** `pid` and every process below it, by parent links in /proc. */
export function tree(pid: number): Proc[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      const stat = statOf(Number(name));
      return stat ? [{ pid: Number(name), ...stat }] : [];
    });
  const found = all.filter((p) => p.pid === pid);
  for (let i = 0; i < found.length; i++) {
    found.push(...all.filter((p) => p.ppid === found[i]!.pid));
  }
  return found.map(({ pid: p, start }) => ({ pid: p, start, command: commandOf(p) }));
}

/** Those of `procs` still running (a zombie is not: it has exited and waits to be reaped). */
export function stillRunning(procs: readonly Proc[]): Proc[] {
  return procs.filter((p) => {
    const stat = statOf(p.pid);
    return stat !== undefined && stat.start === p.start && stat.state !== 'Z';
  });
}

/** Polls until none of `procs` runs; resolves with those still running after `timeoutMs`. */
export async function waitGone(procs: readonly Proc[], timeoutMs: number): Promise<Proc[]> {
  const deadline = Date.now() + timeoutMs;
  while (stillRunning(procs).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return stillRunning(procs);
}

/** Resolves when every port the launcher binds (whichever services it ran) can be bound again. */
export function portsFree(ports: Ports): Promise<void> {
  return assertFree(
    ports,
    PORT_NAMES.filter((name) => !/Ws$/.test(name) && name !== 'firehose'),
  );
}

function statOf(pid: number): { state: string; ppid: number; start: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice threads itrealvalue starttime …
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', ppid: Number(fields[1]), start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
