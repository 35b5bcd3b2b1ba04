import { decodeTime, isValid, monotonicFactory } from 'ulid';

/**
 * ULIDs sort by creation time, so message ids double as sort keys ("newest first" listings).
 * The monotonic factory keeps ids made within the same millisecond in order, too — plain `ulid()`
 * would order them randomly. https://github.com/ulid/spec#monotonicity
 */
const monotonic = monotonicFactory();

/** A new ULID, monotonic within this process. */
export const newId = (now: number = Date.now()): string => monotonic(now);

export const isId = (value: string): boolean => isValid(value);

/** Milliseconds since the epoch encoded in a ULID. */
export const idTime = (id: string): number => decodeTime(id);
