import { z } from 'zod';

/** docs/contract.md, "Lists": `limit` is 1–100 and 25 when absent. */
export const LIST_LIMIT = { min: 1, max: 100, default: 25 } as const;

/** A cursor is ours only if it fits in this many characters (docs/api-lists.md, "Cursors"). */
export const MAX_CURSOR_LENGTH = 1024;

export const LimitSchema = z.coerce
  .number({ error: 'must be a whole number from 1 to 100' })
  .int({ error: 'must be a whole number from 1 to 100' })
  .min(LIST_LIMIT.min, { error: 'must be at least 1' })
  .max(LIST_LIMIT.max, { error: 'must be at most 100' })
  .default(LIST_LIMIT.default);

export const CursorParamSchema = z
  .string()
  .min(1, { error: 'must not be empty: leave it out for the first page' })
  .max(MAX_CURSOR_LENGTH, { error: 'is too long to be a cursor this API issued' });

/**
 * A list endpoint's query string: `limit`, `cursor` and the endpoint's own filters, nothing else (an
 * unknown parameter is a 400, so a typo never silently lists everything). Parse it with `parseOrThrow`.
 */
export const listQuerySchema = <F extends z.ZodRawShape>(filters: F) =>
  z.strictObject({ limit: LimitSchema, cursor: CursorParamSchema.optional(), ...filters });

/** The answer of every list endpoint (docs/contract.md, "Lists"). */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}
