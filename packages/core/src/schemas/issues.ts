import type { z } from 'zod';
import { type ErrorDetail, PayloadTooLargeError, ValidationError } from '../errors';

/** Issue params marking "too large": the HTTP layer answers 413 instead of 400 (docs/contract.md). */
export const TOO_LARGE = { mailroom: 'too_large' } as const;

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

const formatPath = (path: readonly PathSegment[]): string =>
  path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`))
    .join('');

/**
 * A union reports every branch's failure; show the one closest to what was meant. Branches that failed on
 * the value's type itself are dropped (a string given where "string or object" was allowed failed as a
 * string, not as an object); of the rest, the one with the fewest problems wins, first on ties.
 */
const pickUnionBranch = (branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined => {
  const typeMatched = branches.filter(
    (issues) => !issues.some((i) => i.path.length === 0 && i.code === 'invalid_type'),
  );
  return typeMatched.reduce<readonly Issue[] | undefined>(
    (best, issues) => (best === undefined || issues.length < best.length ? issues : best),
    undefined,
  );
};

const flatten = (issues: readonly Issue[], prefix: readonly PathSegment[], out: ErrorDetail[]): void => {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      // One entry per unknown field, at the field's own path, so a client sees exactly what to remove.
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: 'unknown field' });
      continue;
    }
    if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      // A record key failed its own schema: show why (e.g. "header is set by Mailroom"), not just "invalid key".
      flatten(issue.issues, path, out);
      continue;
    }
    if (issue.code === 'invalid_union') {
      const branch = pickUnionBranch(issue.errors);
      if (branch !== undefined) {
        flatten(branch, path, out);
        continue;
      }
    }
    out.push({ path: formatPath(path), message: issue.message });
  }
};

/** A ZodError as the contract's error `details`: `[{ path: "to[0].email", message }]`. */
export const validationDetails = (error: z.ZodError | readonly Issue[]): ErrorDetail[] => {
  const out: ErrorDetail[] = [];
  flatten('issues' in error ? error.issues : error, [], out);
  return out;
};

const isTooLarge = (issues: readonly Issue[]): boolean =>
  issues.some(
    (i) =>
      (i.code === 'custom' && i.params?.['mailroom'] === TOO_LARGE.mailroom) ||
      (i.code === 'invalid_union' && i.errors.some(isTooLarge)),
  );

/** The error to throw for a failed parse: 413 when a size limit was hit, 400 otherwise. */
export const validationErrorFromZod = (
  error: z.ZodError,
  message = 'The request is invalid',
): ValidationError | PayloadTooLargeError => {
  const details = validationDetails(error);
  return isTooLarge(error.issues)
    ? new PayloadTooLargeError('The request is too large', { details, cause: error })
    : new ValidationError(message, { details, cause: error });
};

/** Parses or throws ValidationError / PayloadTooLargeError with contract-shaped details. */
export const parseOrThrow = <S extends z.ZodType>(
  schema: S,
  input: unknown,
  message?: string,
): z.output<S> => {
  const result = schema.safeParse(input);
  if (!result.success) throw validationErrorFromZod(result.error, message);
  return result.data;
};
