/**
 * `pnpm dev`: the local cloud and every service (docs/contract.md "Commands"). Prints one line
 * `mailroom ready` once every port answers, then the URLs and dev keys; runs until Ctrl-C, a
 * hang-up (the terminal closed) or SIGTERM, and stops all it started on each alike. Its children
 * end themselves if it is killed outright (packages/local/src/watchdog.cjs).
 *
 * MAILROOM_DEBUG=1 shows the emulators' output and each provisioning step.
 * MAILROOM_DEV_SERVICES: the services to run, comma-separated, or `none`. Default: all.
 * MAILROOM_STOP_STALE=1 stops Mailroom processes that hold a port (left from an earlier run)
 * without asking; on a terminal it asks, elsewhere it prints how to stop them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  consoleLogger,
  DEV_ROUTES,
  DEV_TENANTS,
  FaultsSyntaxError,
  JavaMissingError,
  killCommand,
  PortError,
  repoRoot,
  SERVICE_NAMES,
  startLocalCloud,
  stopHolders,
  type LocalCloud,
  type LocalCloudOptions,
  type PortHolder,
  type ServiceName,
} from '../packages/local/src';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

async function main(): Promise<void> {
  // After a hang-up the terminal is gone and writing to it fails (EIO): that must not stop the
  // shutdown half way.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const started = Date.now();
  let cloud: LocalCloud | undefined;
  let stopping = false;

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!cloud) {
      // Still starting: exiting is enough, the launcher kills its process groups on exit.
      console.log(`\n${signal}: stopping before ready`);
      process.exit(0);
    }
    console.log(`\n${signal}: stopping the local cloud…`);
    await cloud.stop();
    console.log('stopped');
    process.exit(0);
  };
  for (const signal of SIGNALS) process.on(signal, () => void shutdown(signal));

  try {
    buildConsole();
    cloud = await start({
      services: servicesFrom(process.env.MAILROOM_DEV_SERVICES),
      logger: consoleLogger({ debug: process.env.MAILROOM_DEBUG === '1' }),
    });
  } catch (error) {
    const known = [JavaMissingError, PortError, FaultsSyntaxError, UsageError];
    console.error(known.some((type) => error instanceof type) ? (error as Error).message : error);
    process.exit(1);
  }

  console.log('mailroom ready');
  for (const [name, url] of cloud.listing) console.log(`  ${name.padEnd(22)} ${url}`);
  console.log(
    `  ${'dev API keys'.padEnd(22)} ${DEV_TENANTS.map((t) => `${t.tenantId}: ${t.key}`).join('   ')} (scopes send read admin)`,
  );
  console.log(
    `  ${'inbound routes'.padEnd(22)} ${DEV_ROUTES.map((r) => `${r.pattern} → ${r.tenantId}`).join(', ')} (store only)`,
  );
  console.log(
    `  ${'provider'.padEnd(22)} ${cloud.env.MAILROOM_PROVIDER}${process.env.MAILROOM_FAULTS ? `, faults ${process.env.MAILROOM_FAULTS}` : ''}`,
  );
  console.log(`started in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C stops everything`);
}

/** The web console as its sources are now (docs/console.md): under a second, so an edit shows on the next start. */
function buildConsole(): void {
  execFileSync(process.execPath, [join(repoRoot(), 'packages', 'console', 'build.mjs')], {
    stdio: 'inherit',
  });
}

/** Starts the cloud; when only Mailroom processes hold its ports, offers to stop them and starts again. */
async function start(options: LocalCloudOptions): Promise<LocalCloud> {
  try {
    return await startLocalCloud(options);
  } catch (error) {
    const stale = error instanceof PortError ? error.ours() : [];
    if (!(error instanceof PortError) || stale.length === 0) throw error;
    // A port held by anything else cannot be freed here: say so and stop.
    if (error.taken.some((t) => !t.holder?.ours)) throw error;
    console.error(error.message);
    if (!(await mayStop(stale))) {
      console.error(`To stop ${stale.length > 1 ? 'them' : 'it'}:`);
      for (const holder of stale) console.error(`  ${killCommand(holder, repoRoot())}`);
      console.error(
        `or start again with MAILROOM_STOP_STALE=1 to stop ${stale.length > 1 ? 'them' : 'it'} without asking.`,
      );
      process.exit(1);
    }
    await stopHolders(stale, repoRoot());
    console.log(`stopped ${stale.map((h) => `pid ${h.pid}`).join(', ')}`);
    return startLocalCloud(options);
  }
}

/** MAILROOM_STOP_STALE=1, or the user's yes on a terminal; never without either. */
function mayStop(stale: readonly PortHolder[]): Promise<boolean> {
  if (process.env.MAILROOM_STOP_STALE === '1') return Promise.resolve(true);
  const output = process.stdout.isTTY ? process.stdout : process.stderr.isTTY ? process.stderr : undefined;
  if (!process.stdin.isTTY || !output) return Promise.resolve(false);
  return new Promise((resolve) => {
    const prompt = createInterface({ input: process.stdin, output });
    const answer = (yes: boolean) => {
      resolve(yes); // before close(), whose 'close' event would answer no
      prompt.close();
    };
    // Ctrl-C and Ctrl-D at the prompt mean no.
    prompt.on('SIGINT', () => answer(false));
    prompt.on('close', () => resolve(false));
    prompt.question(`Stop ${stale.length > 1 ? 'them' : 'it'}? [y/N] `, (text) =>
      answer(/^y(es)?$/i.test(text.trim())),
    );
  });
}

function servicesFrom(value: string | undefined): readonly ServiceName[] | false {
  if (value === undefined || value.trim() === '') return SERVICE_NAMES;
  if (value.trim() === 'none') return false;
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new UsageError(
      `MAILROOM_DEV_SERVICES: no service ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')}, or none)`,
    );
  }
  return names as ServiceName[];
}

void main();
