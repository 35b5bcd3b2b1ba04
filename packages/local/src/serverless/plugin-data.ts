/**
 * What the launcher tells serverless-plugin.cjs: for each service, the local value of every
 * environment entry that is a CloudFormation intrinsic (`!Ref`, `!GetAtt`, `!Sub`…), resolved
 * by the same Resolver that provisioned them. Written to a JSON file whose path reaches the
 * plugin as MAILROOM_LOCAL_CLOUD_FILE.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Resolver } from '../cloudformation/resolver';
import type { ServiceConfig } from './print';

export const PLUGIN_DATA_ENV = 'MAILROOM_LOCAL_CLOUD_FILE';

export interface ServiceEnvironment {
  provider: Record<string, string>;
  functions: Record<string, Record<string, string>>;
}

export interface PluginData {
  stage: string;
  /** By Serverless service name (`mailroom-outbound`). */
  services: Record<string, ServiceEnvironment>;
}

/** Resolves the intrinsic entries of one environment block; plain strings are left to Serverless. */
export function resolveEnvironment(
  environment: Record<string, unknown> | undefined,
  resolver: Resolver,
  where: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment ?? {})) {
    if (typeof value !== 'object' || value === null) continue;
    out[name] = resolver.resolveString(value, `${where} ${name}`);
  }
  return out;
}

export function serviceEnvironment(config: ServiceConfig, resolver: Resolver): ServiceEnvironment {
  const functions: ServiceEnvironment['functions'] = {};
  for (const [key, fn] of Object.entries(config.functions ?? {})) {
    functions[key] = resolveEnvironment(fn.environment, resolver, `${config.service} function ${key}:`);
  }
  return {
    provider: resolveEnvironment(
      config.provider.environment,
      resolver,
      `${config.service} provider.environment:`,
    ),
    functions,
  };
}

/** Writes the file, named `<pid>-<id>.json`, and removes those left by processes that died. */
export async function writePluginData(file: string, data: PluginData): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    const pid = Number(name.split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) await rm(join(dir, name), { force: true });
  }
  await writeFile(file, JSON.stringify(data, null, 2));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const removePluginData = (file: string): Promise<void> => rm(file, { force: true });
