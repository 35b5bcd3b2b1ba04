/**
 * Who holds a port, so `pnpm dev` can say "port 8000 is held by pid 1234 (java … DynamoDBLocal.jar)
 * from an earlier run" instead of only "in use", and offer to stop it. Linux only (elsewhere, and
 * for processes this user may not inspect, the holder stays unknown): a listening socket in
 * /proc/net/tcp or tcp6 names its inode, and the process with that inode among its open files
 * holds it. https://www.kernel.org/doc/html/latest/networking/proc_net_tcp.html
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface PortHolder {
  pid: number;
  /** Its process group: the local cloud starts each child as the leader of one. */
  pgid: number;
  ppid: number;
  /** Its command line, arguments joined by spaces. */
  command: string;
  /** Whether it is a Mailroom local-cloud process (an emulator, a service, a launcher). */
  ours: boolean;
}

const LISTEN = '0A';

/** The process listening on `port` (any address), or undefined when none or not visible. */
export function findHolder(port: number, root: string): PortHolder | undefined {
  const inodes = new Set(['tcp', 'tcp6'].flatMap((file) => listeningInodes(`/proc/net/${file}`, port)));
  if (inodes.size === 0) return undefined;
  for (const pid of pids()) {
    if (holdsAny(pid, inodes)) return describe(pid, root);
  }
  return undefined;
}

/**
 * A process of the local cloud: anything run from this repository (the command line names a file
 * in it), or one of the programs it runs wherever they live.
 */
export function isOurs(command: string, root: string): boolean {
  return (
    command.includes(`${root}/`) ||
    /\bserverless(\.js)?\b.*\boffline\b/.test(command) ||
    /\bfauxqs\b/.test(command) ||
    command.includes('DynamoDBLocal') ||
    command.includes('watchdog.cjs')
  );
}

/**
 * How to stop it: its whole process group when it leads one, or the group's leader is ours too
 * (the local cloud's children: a watchdog and what it runs); else only the process.
 */
export function stopTarget(holder: PortHolder, root: string): number {
  if (holder.pgid === holder.pid) return -holder.pid;
  const leader = commandOf(holder.pgid);
  return leader !== undefined && isOurs(leader, root) ? -holder.pgid : holder.pid;
}

/** The shell command that stops it, for the user to run. */
export function killCommand(holder: PortHolder, root: string): string {
  const target = stopTarget(holder, root);
  return target < 0 ? `kill -TERM -- ${target}` : `kill -TERM ${target}`;
}

/** True while the process exists and has not exited (a zombie has: it only waits to be reaped). */
export function running(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && stat.state !== 'Z';
}

function listeningInodes(file: string, port: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[3] === LISTEN && parseInt(f[1]?.split(':')[1] ?? '', 16) === port)
    .map((f) => f[9] ?? '')
    .filter((inode) => inode !== '' && inode !== '0');
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function holdsAny(pid: number, inodes: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // gone, or not ours to look at
  }
  return fds.some((fd) => {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return link.startsWith('socket:[') && inodes.has(link.slice(8, -1));
    } catch {
      return false;
    }
  });
}

function describe(pid: number, root: string): PortHolder | undefined {
  const stat = statOf(pid);
  const command = commandOf(pid);
  if (!stat || command === undefined) return undefined;
  return { pid, pgid: stat.pgid, ppid: stat.ppid, command, ours: isOurs(command, root) };
}

/**
 * The command line, arguments joined by spaces; a relative path among them (`scripts/dev.ts`) is
 * made absolute from the process' working folder, so it names the repository it ran from.
 */
function commandOf(pid: number): string | undefined {
  let args: string[];
  let cwd: string | undefined;
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    cwd = undefined;
  }
  const absolute = (arg: string) =>
    cwd !== undefined && arg.includes('/') && !arg.startsWith('-') && !isAbsolute(arg) && !arg.includes(':')
      ? resolve(cwd, arg)
      : arg;
  return args.map(absolute).join(' ');
}

function statOf(pid: number): { state: string; ppid: number; pgid: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ')'.
  const [state = '', ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid), pgid: Number(pgid) };
}

/**
 * Stops each holder (its group where stopTarget says so): SIGTERM, SIGKILL if it is still there
 * after `graceMs`. Resolves once every holder has exited.
 */
export async function stopHolders(
  holders: readonly PortHolder[],
  root: string,
  graceMs = 5000,
): Promise<void> {
  const signal = (holder: PortHolder, name: NodeJS.Signals) => {
    try {
      process.kill(stopTarget(holder, root), name);
    } catch {
      // Gone already.
    }
  };
  const gone = async (pids: readonly number[], ms: number) => {
    for (const deadline = Date.now() + ms; Date.now() < deadline;) {
      if (!pids.some(running)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return !pids.some(running);
  };
  holders.forEach((h) => signal(h, 'SIGTERM'));
  if (
    await gone(
      holders.map((h) => h.pid),
      graceMs,
    )
  )
    return;
  holders.filter((h) => running(h.pid)).forEach((h) => signal(h, 'SIGKILL'));
  await gone(
    holders.map((h) => h.pid),
    2000,
  );
}
