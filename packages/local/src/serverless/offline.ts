/** Runs one service under `serverless offline start --stage local`, in its own process group. */
import type { Logger } from '../logger';
import { serverlessBin, serviceDir } from '../paths';
import type { ServiceName } from '../paths';
import { answers, start, waitUntil, type Child } from '../process';

export function startService(
  root: string,
  service: ServiceName,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Child {
  return start(process.execPath, [serverlessBin(root, service), 'offline', 'start', '--stage', 'local'], {
    label: service,
    logger,
    cwd: serviceDir(root, service),
    env,
  });
}

/**
 * Ready when `GET /health` answers 200; fails early with the service's output if it exits. The bound is
 * generous: four services bundling at once on a loaded 2-core machine took more than 120 s.
 */
export function serviceReady(child: Child, port: number, timeoutMs = 300_000): Promise<void> {
  return waitUntil(
    `${child.label} GET /health`,
    () => answers(`http://localhost:${port}/health`, (s) => s === 200),
    { child, timeoutMs },
  );
}
