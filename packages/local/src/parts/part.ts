/**
 * One part of the local cloud (an emulator, a provider stand-in, provisioning, the services):
 * what it is called, the ports it owns and the env vars that override them, the parts it needs
 * running first, what it adds to the env services and clients get, and how it starts and stops.
 * startLocalCloud starts the list in parts/index.ts; adding a part means writing one of these
 * and putting it in that list.
 */
import type { Faults } from '../faults';
import type { Logger } from '../logger';
import type { ServiceName } from '../paths';
import type { Child } from '../process';

/** A port a part listens on. */
export interface PortSpec {
  /** The default (the contract's port), or 0: any free port, for ports nothing outside the cloud uses. */
  port: number;
  /** The env var that overrides it; services read the same name. */
  env: string;
}

/** What one run of the local cloud was asked to start. */
export interface RunOptions {
  services: readonly ServiceName[];
  seed: boolean;
}

/** Facts about this run every part may use. */
export interface RunInfo {
  /** The repository whose `services/` run. */
  root: string;
  /** Unique per run (`<pid>-<random>`), for files a run leaves while it runs. */
  id: string;
  /** The env the cloud was started with (the user's settings: provider, keys). */
  base: NodeJS.ProcessEnv;
}

export interface PartContext<P extends string, E extends string> {
  /** This part's own ports. */
  ports: Readonly<Record<P, number>>;
  /** This part's own endpoints. */
  endpoints: Readonly<Record<E, string>>;
  /** The env services and clients get: every part's contribution and every port. */
  env: Readonly<Record<string, string>>;
  run: RunInfo;
  options: RunOptions;
  /** Shared and changed in place by `setFaults`, so read it on every request. */
  faults: Faults;
  logger: Logger;
  /** What a part in `needs` gave when it started. */
  get<V>(part: Part<string, string, V>): V;
  /** The endpoints of another part (any part: endpoints are known before anything starts). */
  endpointsOf<E2 extends string>(part: Part<string, E2, unknown>): Readonly<Record<E2, string>>;
}

export interface Started<V> {
  /** What the parts that need this one (and LocalCloud) get from it. */
  value: V;
  /** The child processes it runs, each the leader of its own process group. */
  processes?: readonly Child[];
  stop(): Promise<void>;
}

export interface Part<P extends string, E extends string, V> {
  readonly name: string;
  readonly ports: Readonly<Record<P, PortSpec>>;
  /** Started (and ready) before this one starts; stopped after it stops. */
  readonly needs: readonly AnyPart[];
  /** Whether this run starts it. Default: yes. */
  enabled?(options: RunOptions): boolean;
  /** The ports it listens on in this run, checked free before anything starts. Default: all of them. */
  binds?(options: RunOptions): readonly NoInfer<P>[];
  /** Fails fast, before anything starts, when something it needs is missing (e.g. Java). */
  check?(): void;
  /** Where clients reach it. */
  endpoints?(ports: Readonly<Record<NoInfer<P>, number>>): Record<E, string>;
  /** What it adds to the env services and clients get (beside its ports, which every run adds). */
  env?(endpoints: Readonly<Record<NoInfer<E>, string>>, run: RunInfo): Record<string, string>;
  /** What `pnpm dev` lists for it once ready: label, then where. */
  listing?(
    endpoints: Readonly<Record<NoInfer<E>, string>>,
    options: RunOptions,
  ): ReadonlyArray<readonly [string, string]>;
  /** Starts it and resolves once it serves; cleans up after itself when it fails. */
  start(context: PartContext<NoInfer<P>, NoInfer<E>>): Promise<Started<V>>;
}

// Method parameters are bivariant, so any part is an AnyPart whatever its own types. NoInfer:
// a part's port names come from `ports` alone, its endpoint names from `endpoints` alone.
export type AnyPart = Part<string, string, unknown>;

/** Declares a part; only here so TypeScript infers its port and endpoint names. */
export const definePart = <P extends string = never, E extends string = never, V = undefined>(
  part: Part<P, E, V>,
): Part<P, E, V> => part;

export const localUrl = (port: number): string => `http://localhost:${port}`;

/** For parts that start nothing of their own to stop. */
export const nothingToStop = async (): Promise<void> => {};
