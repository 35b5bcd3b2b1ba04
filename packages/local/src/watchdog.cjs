'use strict';
/**
 * Runs a command in this process group and ends the group once the launcher that started it is
 * gone. The local cloud starts every child process through here (src/process.ts): DynamoDB Local
 * (Java) and serverless-offline cannot watch their launcher themselves, and a launcher killed
 * hard (SIGKILL) runs no cleanup. The launcher holds the other end of this process' stdin; the
 * kernel closes it when the launcher dies, however it dies, and that end of file is the signal.
 *
 *   node watchdog.cjs <command> [args...]
 *
 * It stays until the command exits and exits as the command did, so to the launcher it is the
 * command: the same output, the same exit, the leader of the same process group.
 */
const { spawn } = require('node:child_process');

// How long the command has to stop on SIGTERM before the group is killed.
const GRACE_MS = 5000;

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

const signalGroup = (signal) => {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // The group is gone already.
  }
};

let orphaned = false;
const launcherGone = () => {
  if (orphaned) return;
  orphaned = true;
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), GRACE_MS).unref();
};
process.stdin.on('end', launcherGone);
process.stdin.on('error', launcherGone);
process.stdin.resume();

// SIGTERM reaches the whole group, this process too (the launcher's stop, or launcherGone):
// stay until the command has stopped, so the launcher sees its exit, not ours.
process.on('SIGTERM', () => {});

child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners('SIGTERM');
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
child.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(127);
});
