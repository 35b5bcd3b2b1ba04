import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RoutePatternSchema, type RouteStore } from '../../src';
import { createDynamoDocumentClient, DynamoRouteStore } from '../../src/aws';
import { InMemoryRouteStore } from '../../src/testing';
import { createTable, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from '../support/dynamodb-local';

const TABLE = 'mailroom-test-routes';
let db: DynamoDbLocal;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynamoDbLocal();
  await createTable(db.endpoint, TABLE, ['gsi1', 'gsi2']);
  doc = createDynamoDocumentClient({ region: LOCAL_REGION, endpoint: db.endpoint });
});
afterAll(async () => {
  doc?.destroy();
  await db?.stop();
});

const at = new Date('2026-12-03T10:00:00Z');
let run = 0;

// The route store and its in-memory twin must behave alike: one suite runs against both.
describe.each<[string, () => RouteStore]>([
  ['DynamoDB Local', () => new DynamoRouteStore(doc, `${TABLE}`, () => at)],
  ['in memory', () => new InMemoryRouteStore(() => at)],
])('%s', (_name, make) => {
  let routes: RouteStore;
  let domain: string;
  beforeEach(() => {
    routes = make();
    domain = `in${++run}-${Date.now()}.example`;
  });

  it('resolves an exact address before its domain wildcard, case-insensitively', async () => {
    await routes.put({ pattern: `*@${domain}`, tenantId: 'acme', destination: { type: 'store' } });
    await routes.put({
      pattern: `support@${domain}`,
      tenantId: 'globex',
      destination: { type: 'queue', queueUrl: 'http://localhost:4566/000000000000/q' },
      rejectOn: ['virus'],
    });
    expect(await routes.resolve(`Support@${domain.toUpperCase()}`)).toEqual({
      pattern: `support@${domain}`,
      tenantId: 'globex',
      destination: { type: 'queue', queueUrl: 'http://localhost:4566/000000000000/q' },
      rejectOn: ['virus'],
      createdAt: at.toISOString(),
    });
    expect((await routes.resolve(`sales@${domain}`))?.tenantId).toBe('acme');
  });

  it('resolves nothing for another domain, a parent domain or no address at all', async () => {
    await routes.put({ pattern: `*@mail.${domain}`, tenantId: 'acme', destination: { type: 'store' } });
    expect(await routes.resolve(`a@${domain}`)).toBeNull();
    expect(await routes.resolve(`a@other.${domain}`)).toBeNull();
    expect(await routes.resolve('not-an-address')).toBeNull();
    expect(await routes.resolve('')).toBeNull();
  });

  it('replaces a route on put, lists routes in pattern order and removes them', async () => {
    await routes.put({ pattern: `b@${domain}`, tenantId: 'acme', destination: { type: 'store' } });
    await routes.put({ pattern: `a@${domain}`, tenantId: 'acme', destination: { type: 'store' } });
    await routes.put({ pattern: `b@${domain}`, tenantId: 'globex', destination: { type: 'store' } });
    const mine = (await routes.list()).filter((r) => r.pattern.endsWith(`@${domain}`));
    expect(mine.map((r) => [r.pattern, r.tenantId])).toEqual([
      [`a@${domain}`, 'acme'],
      [`b@${domain}`, 'globex'],
    ]);
    expect(await routes.remove(`a@${domain}`)).toBe(true);
    expect(await routes.remove(`a@${domain}`)).toBe(false);
    expect(await routes.get(`a@${domain}`)).toBeNull();
    expect((await routes.get(`b@${domain}`))?.rejectOn).toEqual([]);
  });
});

describe('RoutePatternSchema', () => {
  it.each([
    ['Support@In.Acme.Example', 'support@in.acme.example'],
    ['*@in.acme.localhost', '*@in.acme.localhost'],
  ])('accepts %s', (input, canonical) => {
    expect(RoutePatternSchema.parse(input)).toBe(canonical);
  });
  it.each([
    '*',
    '*@',
    'a*@x.example',
    '*@*.example',
    'no-at',
    `*@${'a'.repeat(300)}.example`,
    'a@b@c.example',
  ])('refuses %s', (input) => {
    expect(RoutePatternSchema.safeParse(input).success).toBe(false);
  });
});
