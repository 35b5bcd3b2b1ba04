import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors';

/**
 * What a cursor is bound to: one listing (`GET /v1/inbound`), one tenant and the query's filters after
 * parsing (never `limit`, which may change from page to page, nor `cursor` itself).
 */
export interface CursorScope {
  list: string;
  tenantId: string;
  filters: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

/** The secret cursors are signed with (at least 32 characters); `cursorKey` in `@mailroom/core/aws` reads it. */
export type CursorKeySource = () => Promise<string>;

const VERSION = 'v1';
/** Tags of the tenant and the query: 96 bits each, enough to tell one binding from another. */
const TAG_BYTES = 12;
const FORMAT = /^v1\.([A-Za-z0-9_-]{1,900})\.([A-Za-z0-9_-]{43})$/;

interface Payload {
  /** The store's position after the page's last item. */
  a: string;
  /** Tenant tag. */
  t: string;
  /** Query tag: the listing and its filters. */
  q: string;
}

const refuse = (message: string) =>
  new ValidationError(`invalid cursor: ${message}`, { details: [{ path: 'cursor', message }] });

/** Filters in one spelling: keys sorted, absent ones dropped, so equal queries bind equally. */
const canonical = (scope: CursorScope): string =>
  JSON.stringify([
    scope.list,
    Object.entries(scope.filters)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);

/**
 * Opaque, tamper-proof list cursors (docs/api-lists.md). A cursor is
 * `v1.<base64url payload>.<base64url HMAC-SHA256>`; the payload holds the store's position and two tags,
 * HMACs of the tenant and of the query. The signature covers the whole payload, so an altered or
 * truncated cursor is refused; the tags make a cursor of another tenant or another query (other filters,
 * another listing) a 400 too, each with its own message, instead of silently positioning a different
 * listing. Every refusal is a `ValidationError` (400 `REQUEST.INVALID`) on the `cursor` parameter.
 *
 * HMAC rather than encryption: the position (a domain name, `<receivedAt>#<id>`) is nothing the caller
 * has not just received, and signing has no nonce to manage. Rotating the key turns outstanding cursors
 * into 400s: clients start the listing again.
 */
export class Cursors {
  constructor(private readonly key: CursorKeySource) {}

  /** The cursor for the page after `after`, or null when the store said there is no more. */
  async next(scope: CursorScope, after: string | undefined): Promise<string | null> {
    if (after === undefined) return null;
    const key = await this.key();
    const payload: Payload = {
      a: after,
      t: tag(key, 'tenant', scope.tenantId),
      q: tag(key, 'query', canonical(scope)),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${VERSION}.${body}.${sign(key, body).toString('base64url')}`;
  }

  /** The position a cursor carries, once it is proven ours, unaltered, and issued for this tenant and query. */
  async open(scope: CursorScope, cursor: string): Promise<string> {
    const match = FORMAT.exec(cursor);
    if (!match) throw refuse('not a cursor this API issued; pass back nextCursor exactly as received');
    const [, body, mac] = match as unknown as [string, string, string];
    const key = await this.key();
    // Compared as text, not as decoded bytes: base64url's last character carries two unused bits, and a
    // cursor differing only there must be refused as altered too.
    if (!same(mac, sign(key, body).toString('base64url'))) {
      throw refuse('altered or truncated (or issued before a key rotation); start the listing again');
    }
    const payload = readPayload(body);
    if (!payload) throw refuse('unreadable; start the listing again');
    if (!same(payload.t, tag(key, 'tenant', scope.tenantId))) {
      throw refuse("issued for another tenant's listing");
    }
    if (!same(payload.q, tag(key, 'query', canonical(scope)))) {
      throw refuse(
        'issued for a different query; repeat the filters of the first page, or start again without a cursor',
      );
    }
    return payload.a;
  }
}

const sign = (key: string, body: string): Buffer =>
  createHmac('sha256', key).update(`cursor.${VERSION}.${body}`).digest();

const tag = (key: string, kind: string, value: string): string =>
  createHmac('sha256', key).update(`${kind}\0${value}`).digest().subarray(0, TAG_BYTES).toString('base64url');

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function readPayload(body: string): Payload | null {
  try {
    const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload> | null;
    if (typeof value?.a === 'string' && typeof value.t === 'string' && typeof value.q === 'string') {
      return { a: value.a, t: value.t, q: value.q };
    }
  } catch {
    // signed by us yet unreadable: refused below like any other unreadable cursor
  }
  return null;
}
