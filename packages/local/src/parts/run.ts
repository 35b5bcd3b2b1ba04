/**
 * Starts a list of parts, each once the parts it needs are running, the rest side by side; stops
 * them the other way round. When one fails to start, every other is let finish starting (so none
 * outlives the failed start), then everything started is stopped and the failure thrown.
 */
import type { Faults } from '../faults';
import type { Logger } from '../logger';
import type { Child } from '../process';
import type { AnyPart, Part, PartContext, RunInfo, RunOptions, Started } from './part';

export interface Shared {
  ports: Readonly<Record<string, number>>;
  endpoints: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string>>;
  run: RunInfo;
  options: RunOptions;
  faults: Faults;
  logger: Logger;
}

export interface RunningParts {
  /** What a started part gave. */
  get<V>(part: Part<string, string, V>): V;
  /** Every child process, in the order the parts started. */
  readonly processes: readonly Child[];
  /** Stops every part, dependents first; idempotent. */
  stop(): Promise<void>;
}

export class PartError extends Error {
  override readonly name = 'PartError';
}

export async function startParts(parts: readonly AnyPart[], shared: Shared): Promise<RunningParts> {
  for (const part of parts) {
    const missing = part.needs.find((need) => !parts.includes(need));
    if (missing) throw new PartError(`${part.name} needs ${missing.name}, which this run does not start`);
  }
  const started = new Map<AnyPart, Started<unknown>>();
  const starting = new Map<AnyPart, Promise<void>>();
  const begin = (part: AnyPart): Promise<void> => {
    let promise = starting.get(part);
    if (!promise) {
      promise = (async () => {
        await Promise.all(part.needs.map(begin));
        const since = Date.now();
        started.set(part, await part.start(contextFor(part, shared, started)));
        shared.logger.debug(`[local cloud] ${part.name} up in ${Date.now() - since} ms`);
      })();
      starting.set(part, promise);
    }
    return promise;
  };

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopParts(parts, started, shared.logger));
  const results = await Promise.allSettled(parts.map(begin));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return {
    get: <V>(part: Part<string, string, V>) => valueOf(started, part),
    // In list order, which is stable whatever order the parts happened to start in.
    processes: parts.flatMap((part) => started.get(part)?.processes ?? []),
    stop,
  };
}

function contextFor(
  part: AnyPart,
  shared: Shared,
  started: ReadonlyMap<AnyPart, Started<unknown>>,
): PartContext<string, string> {
  const own = <T>(all: Readonly<Record<string, T>>, names: readonly string[]) =>
    Object.fromEntries(names.filter((n) => n in all).map((n) => [n, all[n] as T]));
  return {
    ports: own(shared.ports, Object.keys(part.ports)),
    endpoints: part.endpoints?.(own(shared.ports, Object.keys(part.ports))) ?? {},
    env: shared.env,
    run: shared.run,
    options: shared.options,
    faults: shared.faults,
    logger: shared.logger,
    get: <V>(need: Part<string, string, V>) => {
      if (!part.needs.includes(need as AnyPart)) {
        throw new PartError(`${part.name} asked for ${need.name}, which is not in its needs`);
      }
      return valueOf(started, need);
    },
    endpointsOf: <E extends string>(other: Part<string, E, unknown>) =>
      other.endpoints?.(own(shared.ports, Object.keys(other.ports))) ?? ({} as Record<E, string>),
  };
}

function valueOf<V>(started: ReadonlyMap<AnyPart, Started<unknown>>, part: Part<string, string, V>): V {
  const running = started.get(part as AnyPart);
  if (!running) throw new PartError(`${part.name} is not running`);
  return running.value as V;
}

/** Dependents before what they need: by depth in the needs graph, deepest first, each depth at once. */
async function stopParts(
  parts: readonly AnyPart[],
  started: ReadonlyMap<AnyPart, Started<unknown>>,
  logger: Logger,
): Promise<void> {
  const depth = new Map<AnyPart, number>();
  const depthOf = (part: AnyPart): number => {
    let d = depth.get(part);
    if (d === undefined) {
      d = Math.max(-1, ...part.needs.map(depthOf)) + 1;
      depth.set(part, d);
    }
    return d;
  };
  const deepest = Math.max(0, ...parts.map(depthOf));
  for (let d = deepest; d >= 0; d--) {
    const layer = parts.filter((p) => depthOf(p) === d && started.has(p));
    const results = await Promise.allSettled(layer.map((p) => started.get(p)!.stop()));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        logger.warn(`[local cloud] stopping ${layer[i]?.name}: ${String(r.reason)}`);
    });
  }
}
