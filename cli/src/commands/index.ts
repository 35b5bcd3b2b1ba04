import type { Group } from '../command';
import { dlqCommands } from './dlq';
import { domainCommands } from './domain';
import { keyCommands } from './key';
import { routeCommands } from './route';
import { tenantCommands } from './tenant';

/** Every command group, in the order `--help` lists them (`lake` is handled by cli.ts: a pass-through). */
export const GROUPS: readonly Group[] = [
  tenantCommands,
  keyCommands,
  routeCommands,
  domainCommands,
  dlqCommands,
];
