import { z } from 'zod';

export type JsonValue = z.core.util.JSONType;

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Why `value` is not JSON nested at most `maxDepth` levels (an object or array is one level, and so is each
 * one inside it), or undefined when it is. Walks with an explicit stack, never recursion: the point is to
 * refuse a 10,000-level body with a 400 before anything recursive (zod's `z.json()`, `JSON.stringify`, a
 * canonical hash) runs out of stack on it.
 */
export function jsonProblem(value: unknown, maxDepth: number): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return 'must be JSON (finite numbers only)';
      continue;
    }
    if (typeof v !== 'object') return `must be JSON (got ${typeof v})`;
    if (!Array.isArray(v) && !isPlainObject(v)) return 'must be JSON (plain objects and arrays only)';
    if (depth + 1 > maxDepth) return `must not be nested more than ${maxDepth} levels deep`;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

/**
 * Any JSON value nested at most `maxDepth` levels. `abort` stops zod at the first problem, so no later
 * check (size refinements, the request's own checks) walks a value already found too deep.
 */
export const boundedJson = (maxDepth: number) =>
  z
    .custom<JsonValue>((v) => jsonProblem(v, maxDepth) === undefined, {
      error: (issue) => jsonProblem(issue.input, maxDepth) ?? 'must be JSON',
      abort: true,
    })
    .meta({ description: `Any JSON value, nested at most ${maxDepth} levels deep.` });
