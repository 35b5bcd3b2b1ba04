import { ValidationError } from '@mailroom/core';
import { z } from 'zod';

/** An ISO 8601 date-time with its offset, or a date (midnight UTC); one spelling after parsing. */
export const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T09:00:00Z, or a date',
  })
  .transform((value, ctx) => {
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return at.toISOString();
    ctx.issues.push({ code: 'custom', input: value, message: 'is not a date that exists' });
    return z.NEVER;
  });

/** A listing's `since`/`until` (both parsed by Instant): `until` before `since` is a 400 on `until`. */
export function sinceBeforeUntil(since: string | undefined, until: string | undefined): void {
  if (since !== undefined && until !== undefined && since > until) {
    throw new ValidationError('invalid query', {
      details: [{ path: 'until', message: 'must not be before since' }],
    });
  }
}
