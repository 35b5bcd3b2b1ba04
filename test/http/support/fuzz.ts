import fc from 'fast-check';
import type { Endpoint } from '../catalogue';
import type { Call } from './call';
import type { Tenant } from './world';

/** Path parameters as API Gateway might pass them: ids of both tenants, %-encoded unicode, raw, broken, long. */
const segment = (tenants: Tenant[]) =>
  fc
    .oneof(
      fc.constantFrom(...tenants.flatMap((t) => Object.values(t.ids)).map(encodeURIComponent)),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      fc.stringMatching(/^([a-z0-9.]|%[0-9A-Fa-f]{0,2}|%u[0-9a-f]{4})+$/),
      fc
        .tuple(fc.constantFrom('a', 'é', '%41', '💌'), fc.integer({ min: 500, max: 3000 }))
        .map(([s, n]) => s.repeat(n)),
      fc.constantFrom('.', '..', '%2F', '%00', 'a%2Fb', '%', '%%', '~', 'x'.repeat(10_000)),
    )
    .filter((s) => s.length > 0 && !s.includes('/'));

const QUERY_NAMES = ['limit', 'cursor', 'since', 'until', 'status', 'recipient', 'interval'];
const queryValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc
    .date({ noInvalidDate: false })
    .map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  fc.constantFrom('day', 'hour', 'queued', 'failed', '0', '101', '-1', '1e3', '', 'x'.repeat(5000)),
  fc.base64String({ maxLength: 200 }),
);
const query = fc.option(
  fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_NAMES), fc.string({ maxLength: 10 })), queryValue, {
    maxKeys: 5,
  }),
  { nil: undefined },
);

/** Authorization headers: mostly tenant B's key (so the request gets past auth), else odd or huge ones. */
const authorization = (key: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${key}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        `bearer   ${key}   `,
        `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        `Bearer ${key} ${key}`,
        `Bearer ${'k'.repeat(20_000)}`,
        'Bearer dev-acme-key\u0000',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }).map((s) => `Bearer ${s}`) },
  );

const HEADER_NAMES = [
  'content-type',
  'Content-Type',
  'idempotency-key',
  'Idempotency-Key',
  'x-twilio-email-event-webhook-signature',
  'x-twilio-email-event-webhook-timestamp',
  'content-length',
  'accept',
];
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/)),
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', 'x'.repeat(50_000)),
    fc.integer().map(String),
  ),
  { maxKeys: 4 },
);

const HUGE = [
  'x'.repeat(300_000),
  JSON.stringify({ text: 'x'.repeat(300_000) }),
  `[${'{"a":1},'.repeat(40_000)}{}]`,
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
];

/** Bodies: the route's valid one, that with fields replaced or added, random JSON, not JSON, huge. */
const body = (endpoint: Endpoint, tenant: Tenant) => {
  const valid = endpoint.body?.(tenant) as Record<string, unknown> | undefined;
  return fc.oneof(
    fc.constant(undefined),
    ...(valid
      ? [
          { weight: 3, arbitrary: fc.constant(JSON.stringify(valid)) },
          {
            weight: 3,
            arbitrary: fc
              .dictionary(
                fc.oneof(fc.constantFrom(...Object.keys(valid)), fc.string({ maxLength: 8 })),
                fc.jsonValue({ maxDepth: 3 }),
                { minKeys: 1, maxKeys: 3 },
              )
              .map((changes) => JSON.stringify({ ...(endpoint.body!(tenant) as object), ...changes })),
          },
        ]
      : []),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.constantFrom(...HUGE),
  );
};

/** The request a well-behaved client of tenant B's would send: fast-check's first example for each route. */
export const validRequest = (endpoint: Endpoint, b: Tenant): Call => ({
  headers: { authorization: `Bearer ${b.key}`, 'content-type': 'application/json' },
  params: Object.fromEntries(
    Object.entries(endpoint.ids).map(([name, kind]) => [name, encodeURIComponent(b.ids[kind])]),
  ),
  ...(endpoint.body && { body: JSON.stringify(endpoint.body(b)) }),
});

/** Generated requests to `endpoint`, carrying tenant B's key most of the time; ids of A's and B's among others. */
export const fuzzRequest = (endpoint: Endpoint, a: Tenant, b: Tenant): fc.Arbitrary<Call> =>
  fc
    .record({
      auth: fc.option(authorization(b.key), { nil: undefined }),
      params: fc.record(Object.fromEntries(Object.keys(endpoint.ids).map((name) => [name, segment([a, b])]))),
      query,
      headers,
      body: body(endpoint, b),
      isBase64Encoded: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, fc.constant(true)),
      sourceIp: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', 'not-an-ip')),
    })
    .map(({ auth, params, query, headers, body, isBase64Encoded, sourceIp }) => ({
      headers: { ...(auth !== undefined && { authorization: auth }), ...headers },
      params,
      ...(query && { query }),
      ...(body !== undefined && { body }),
      isBase64Encoded: body !== undefined && isBase64Encoded,
      sourceIp,
    }));
