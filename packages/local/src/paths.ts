import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder above this file with pnpm-workspace.yaml. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
  return dir;
}

/** The services under `services/` that the local cloud runs. */
export const SERVICE_NAMES = ['outbound', 'inbound', 'events', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const serviceDir = (root: string, service: string): string => join(root, 'services', service);

/** osls's CLI as each service installs it (`serverless` is `npm:osls@4.3.1`). */
export const serverlessBin = (root: string, service: string): string =>
  join(serviceDir(root, service), 'node_modules', 'serverless', 'bin', 'serverless.js');
