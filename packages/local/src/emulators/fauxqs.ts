/** fauxqs (SQS, SNS, S3) as a child process; see fauxqs-server.mjs for why not in-process. */
import { join } from 'node:path';
import type { Logger } from '../logger';
import { answers, start, stopAndThrow, waitUntil, type Child } from '../process';

export async function startFauxqs(port: number, region: string, logger: Logger): Promise<Child> {
  const child = start(process.execPath, [join(__dirname, 'fauxqs-server.mjs')], {
    label: 'fauxqs',
    logger,
    level: 'debug',
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_DEFAULT_REGION: region, FAUXQS_LOGGER: 'false' },
  });
  await waitUntil('fauxqs', () => answers(`http://127.0.0.1:${port}/_fauxqs/queues`), {
    child,
    timeoutMs: 30_000,
  }).catch(stopAndThrow(child));
  return child;
}
