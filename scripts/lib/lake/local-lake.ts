/**
 * A copy of the local cloud's lake bucket on disk for DuckDB, which reads local files only here
 * (its httpfs extension, needed for s3:// paths, cannot be downloaded). fauxqs keeps S3 objects in
 * memory, so they are fetched through the S3 API.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { LakeTable } from './catalog';
import { LakeUnavailableError } from './errors';

/** Copies every lake object (keys under `<prefix>provider=`) into `dir`, keys as paths. Returns the count. */
export async function copyLake(s3: S3Client, table: LakeTable, dir: string): Promise<number> {
  const root = resolve(dir);
  let copied = 0;
  let token: string | undefined;
  do {
    const page = await s3
      .send(
        new ListObjectsV2Command({
          Bucket: table.bucket,
          Prefix: `${table.prefix}provider=`,
          ContinuationToken: token,
        }),
      )
      .catch((error: Error) => {
        throw new LakeUnavailableError(
          `Cannot list the lake bucket ${table.bucket} on the local cloud's S3 (${error.name}: ${error.message}). ` +
            'Start it with `pnpm dev`, or pass --lake <dir>.',
          { cause: error },
        );
      });
    for (const { Key: key } of page.Contents ?? []) {
      if (!key || key.endsWith('/')) continue;
      const file = resolve(root, key);
      // Keys are the bucket's; a key climbing out of the directory is not written anywhere.
      if (!file.startsWith(root + sep)) continue;
      const object = await s3.send(new GetObjectCommand({ Bucket: table.bucket, Key: key }));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, await object.Body!.transformToByteArray());
      copied++;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return copied;
}
