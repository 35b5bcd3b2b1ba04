/**
 * What the SES stand-in's v2 REST resources (email identities, configuration sets) share: JSON answers,
 * the 400 SES gives a bad request, request bodies read leniently, and the split of a resource path.
 */
import { sesError, type SesErrorAnswer } from './ses-requests';

export const ok = (body: unknown): SesErrorAnswer => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const bad = (message: string) => sesError('v2', 400, 'BadRequestException', message);

export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

/** The body as a JSON object; anything else reads as `{}`, so its fields are simply missing. */
export function json(body: Buffer): Json {
  try {
    return asObject(JSON.parse(body.toString('utf8')));
  } catch {
    return {};
  }
}

/**
 * `prefix` itself is the collection; `prefix/<encoded>[/<sub>/…]` one resource (the name still
 * URL-encoded); anything else is not this resource's path (undefined).
 */
export function resourcePath(
  prefix: string,
  path: string,
): 'collection' | { encoded: string; sub: string | undefined; rest: string[] } | undefined {
  if (path === prefix) return 'collection';
  if (!path.startsWith(`${prefix}/`)) return undefined;
  const [encoded = '', sub, ...rest] = path.slice(prefix.length + 1).split('/');
  return { encoded, sub, rest };
}
