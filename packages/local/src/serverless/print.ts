/**
 * A service's configuration as the Serverless Framework resolves it (`serverless print`), so
 * the local cloud reads the same `resources` that deploy. About 1.7 s per service here, so the
 * output is cached under `.mailroom/print/`, keyed by the YAML files it reads and the values
 * of every `${env:…}` they reference.
 *
 * Only `resources`, function names and the intrinsics in `environment` are used from it, so
 * the caller passes an env without the cloud's per-run ports and endpoints: 'auto' ports then
 * still hit the cache.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Resources } from '../cloudformation/resolver';
import type { Logger } from '../logger';
import { serverlessBin, serviceDir } from '../paths';

export interface ServiceConfig {
  service: string;
  provider: { region?: string; stage?: string; environment?: Record<string, unknown> };
  functions?: Record<string, { name?: string; environment?: Record<string, unknown> }>;
  resources?: { Resources?: Resources };
}

export async function printService(
  root: string,
  service: string,
  stage: string,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ServiceConfig> {
  const dir = serviceDir(root, service);
  const key = await cacheKey(join(dir, 'serverless.yml'), stage, env);
  const cached = join(root, '.mailroom', 'print', `${service}-${key}.json`);
  if (existsSync(cached)) {
    logger.debug(`[${service}] serverless print: cached`);
    return JSON.parse(await readFile(cached, 'utf8')) as ServiceConfig;
  }
  const started = Date.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [serverlessBin(root, service), 'print', '--stage', stage, '--format', 'json'],
    {
      cwd: dir,
      env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((e: Error & { stderr?: string; stdout?: string }) => {
    throw new Error(
      `serverless print failed in services/${service}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`,
    );
  });
  logger.debug(`[${service}] serverless print: ${Date.now() - started} ms`);
  const config = JSON.parse(stdout.slice(stdout.indexOf('{'))) as ServiceConfig;
  await mkdir(dirname(cached), { recursive: true });
  // Written aside and renamed, so a concurrent run never reads half a file.
  const partial = `${cached}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(config));
  await rename(partial, cached);
  // Keep one entry per service: older ones belong to earlier versions of the YAML.
  for (const file of await readdir(dirname(cached))) {
    if (file.startsWith(`${service}-`) && file !== `${service}-${key}.json` && !file.endsWith('.tmp')) {
      await rm(join(dirname(cached), file), { force: true });
    }
  }
  return config;
}

/** Hash of the YAML files a serverless.yml includes (`${file(…)}`) and the env they read. */
export async function cacheKey(yml: string, stage: string, env: NodeJS.ProcessEnv): Promise<string> {
  const hash = createHash('sha256').update(`stage=${stage}\n`);
  const files = [yml];
  const envNames = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    const file = files[i] as string;
    const text = await readFile(file, 'utf8').catch(() => '');
    hash.update(`${file}\n${text}\n`);
    for (const [, path] of text.matchAll(/\$\{file\(([^)]+)\)/g)) {
      const included = resolve(dirname(file), (path ?? '').trim());
      if (!files.includes(included)) files.push(included);
    }
    for (const [, name] of text.matchAll(/env:([A-Za-z_][A-Za-z0-9_]*)/g)) envNames.add(name ?? '');
  }
  for (const name of [...envNames].sort()) hash.update(`${name}=${env[name] ?? ''}\n`);
  return hash.digest('hex').slice(0, 16);
}
