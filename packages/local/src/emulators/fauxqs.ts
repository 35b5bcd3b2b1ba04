/**
 * fauxqs (SQS, SNS, S3) as a child process (see fauxqs-server.mjs for why not in-process), behind a proxy
 * on `port` that checks presigned S3 requests as S3 does — fauxqs checks no signature at all
 * (standins/s3-presign-proxy.ts) and sends the bucket notifications fauxqs lacks (standins/s3-notifications.ts).
 * fauxqs itself listens on a port of its own choosing, which it prints.
 */
import { join } from 'node:path';
import type { Logger } from '../logger';
import { answers, start, stopAndThrow, waitUntil, type Child } from '../process';
import { BucketNotifications } from '../standins/s3-notifications';
import { startS3PresignProxy } from '../standins/s3-presign-proxy';

export async function startFauxqs(port: number, region: string, logger: Logger): Promise<Child> {
  const child = start(process.execPath, [join(__dirname, 'fauxqs-server.mjs')], {
    label: 'fauxqs',
    logger,
    level: 'debug',
    cwd: join(__dirname, '..', '..'),
    env: {
      ...process.env,
      FAUXQS_PORT: '0',
      FAUXQS_PUBLIC_PORT: String(port),
      FAUXQS_DEFAULT_REGION: region,
      FAUXQS_LOGGER: 'false',
    },
  });
  let inner: number | undefined;
  await waitUntil(
    'fauxqs',
    async () => {
      inner ??= Number(/fauxqs listening on (\d+)/.exec(child.tail())?.[1]) || undefined;
      return inner !== undefined && answers(`http://127.0.0.1:${inner}/_fauxqs/queues`);
    },
    { child, timeoutMs: 30_000 },
  ).catch(stopAndThrow(child));
  const notifications = new BucketNotifications({ upstream: `http://127.0.0.1:${inner}`, region, logger });
  // All interfaces, as fauxqs itself listened before the proxy stood in front of it.
  const proxy = await startS3PresignProxy({
    port,
    host: '0.0.0.0',
    upstream: { host: '127.0.0.1', port: inner! },
    notifications,
  }).catch(async (e: unknown) => {
    await notifications.close();
    return stopAndThrow(child)(e);
  });
  return {
    ...child,
    stop: async (graceMs?: number) => {
      await proxy.close();
      await notifications.close();
      await child.stop(graceMs);
    },
  };
}
