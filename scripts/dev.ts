/**
 * `pnpm dev`: the local cloud and every service, until Ctrl-C (docs/contract.md "Commands").
 * Prints one line `mailroom ready` once every port answers, then the URLs and dev keys.
 * MAILROOM_DEBUG=1 shows the emulators' output and each provisioning step.
 */
import {
  consoleLogger,
  DEV_ROUTES,
  DEV_TENANTS,
  FaultsSyntaxError,
  JavaMissingError,
  PortError,
  startLocalCloud,
  type LocalCloud,
} from '../packages/local/src';

async function main(): Promise<void> {
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
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    cloud = await startLocalCloud({ logger: consoleLogger({ debug: process.env.MAILROOM_DEBUG === '1' }) });
  } catch (error) {
    if (
      error instanceof JavaMissingError ||
      error instanceof PortError ||
      error instanceof FaultsSyntaxError
    ) {
      console.error(error.message);
    } else {
      console.error(error);
    }
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

void main();
