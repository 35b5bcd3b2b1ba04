import { newId } from '@mailroom/core';
import { ENDPOINTS, isOwned, keyed, label, type Endpoint, type IdKind } from './catalogue';
import { ErrorBodySchema, type Answer, type Call } from './support/call';
import { INSIDE_IP, OUTSIDE_IP, ownedIds, startWorld, type Tenant, type World } from './support/world';

jest.setTimeout(120_000);

/**
 * Every endpoint of every service (catalogue.ts) with two seeded tenants, A (acme) and B (globex): B's key on
 * A's ids finds nothing (404, never 403, never A's data), a revoked key is refused everywhere (401), a key
 * without the route's scope gets 403, an IP-allowlisted key is refused from outside its networks and
 * served from inside, and none of the refusals changes A's data.
 */
describe('isolation across every HTTP endpoint', () => {
  let world: World;
  let before: string;

  beforeAll(async () => {
    world = await startWorld(ENDPOINTS);
    before = await snapshot(world.a);
  });
  afterAll(async () => {
    await world?.stop();
  });

  const absent: Record<IdKind, string> = {
    message: newId(),
    inbound: newId(),
    webhook: newId(),
    domain: `absent-${newId().toLowerCase()}.example`,
    file: `app-${newId().toLowerCase()}.js`,
    dlq: 'send',
  };
  const find = (route: string) => ENDPOINTS.find((e) => label(e) === route)!;
  /** A request to `e` with `key`, its path naming `ids`, and a valid body of `tenant`'s. */
  const request = (
    e: Endpoint,
    tenant: Tenant,
    key: string,
    ids: Record<IdKind, string>,
    extra: Call = {},
  ) => ({
    key,
    params: Object.fromEntries(
      Object.entries(e.ids).map(([name, kind]) => [name, encodeURIComponent(ids[kind])]),
    ),
    ...(e.body && { body: JSON.stringify(e.body(tenant)) }),
    ...extra,
  });
  const errorCode = (answer: Answer) => ErrorBodySchema.parse(answer.json).error.code;

  /** What A's own key reads of A's data: the seeded items and every list, but when domains were last checked. */
  async function snapshot(a: Tenant): Promise<string> {
    const read = async (route: string, params: Record<string, string> = {}) => {
      const answer = await world.call(find(route), { key: a.key, params });
      return { route, status: answer.status, body: answer.json };
    };
    const unchecked = (_: string, value: unknown) =>
      value && typeof value === 'object' && 'checkedAt' in value ? { ...value, checkedAt: 'any' } : value;
    return JSON.stringify(
      [
        await read('GET /v1/messages/{id}', { id: a.ids.message }),
        await read('GET /v1/inbound/{id}', { id: a.ids.inbound }),
        await read('GET /v1/domains/{domain}', { domain: a.ids.domain }),
        await read('GET /v1/inbound'),
        await read('GET /v1/webhooks'),
        await read('GET /v1/domains'),
      ],
      unchecked,
    );
  }

  const tenantRoutes = keyed().filter((e) => !e.operatorOnly);
  const withIds = tenantRoutes.filter((e) => Object.keys(e.ids).length > 0);
  const withoutIds = tenantRoutes.filter((e) => Object.keys(e.ids).length === 0);

  it.each(
    keyed()
      .filter((e) => e.operatorOnly)
      .map((e) => [label(e), e] as const),
  )("%s: another tenant's admin key is refused (403); the operator's is served", async (_, e) => {
    const refused = await world.call(e, request(e, world.b, world.b.key, world.b.ids));
    expect(refused.status).toBe(403);
    expect(ErrorBodySchema.parse(refused.json).error.code).toBe('AUTH.FORBIDDEN');
    const served = await world.call(e, request(e, world.a, world.a.key, world.a.ids));
    expect(served.status).toBeGreaterThanOrEqual(200);
    expect(served.status).toBeLessThan(300);
  });

  it.each(withIds.map((e) => [label(e), e] as const))(
    "%s: tenant B's key on tenant A's ids answers 404 with none of A's data",
    async (_, e) => {
      const answer = await world.call(e, request(e, world.b, world.b.key, world.a.ids));
      expect({ status: answer.status, code: errorCode(answer) }).toEqual({
        status: 404,
        code: 'RESOURCE.NOT_FOUND',
      });
      expect(answer.raw).not.toContain(world.a.marker);
    },
  );

  it.each(withoutIds.map((e) => [label(e), e] as const))(
    "%s: tenant B's key answers B's own data, none of A's",
    async (_, e) => {
      const answer = await world.call(e, request(e, world.b, world.b.key, world.b.ids));
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(300);
      for (const text of [world.a.marker, ...ownedIds(world.a).filter((id) => !id.includes('.'))]) {
        expect(answer.raw).not.toContain(text);
      }
      expect(answer.raw).not.toContain('"acme"');
    },
  );

  it('the lists B reads do show B its own seeded data (the checks above look where data would be)', async () => {
    const inbound = await world.call(find('GET /v1/inbound'), { key: world.b.key });
    const webhooks = await world.call(find('GET /v1/webhooks'), { key: world.b.key });
    expect(inbound.raw).toContain(world.b.ids.inbound);
    expect(webhooks.raw).toContain(world.b.ids.webhook);
    const message = await world.call(find('GET /v1/messages/{id}'), {
      key: world.b.key,
      params: { id: world.b.ids.message },
    });
    expect(message.raw).toContain(world.b.marker);
  });

  it.each(keyed().map((e) => [label(e), e] as const))(
    '%s: a revoked key is refused with 401',
    async (_, e) => {
      const answer = await world.call(e, request(e, world.a, world.keys.revoked, world.a.ids));
      expect({ status: answer.status, code: errorCode(answer) }).toEqual({
        status: 401,
        code: 'AUTH.UNAUTHORIZED',
      });
    },
  );

  it.each(keyed().map((e) => [label(e), e] as const))(
    '%s: a key without the route’s scope is refused with 403',
    async (_, e) => {
      const answer = await world.call(e, request(e, world.a, world.keys.without[e.auth], world.a.ids));
      expect({ status: answer.status, code: errorCode(answer) }).toEqual({
        status: 403,
        code: 'AUTH.FORBIDDEN',
      });
      expect(ErrorBodySchema.parse(answer.json).error.message).toContain(`"${e.auth}"`);
    },
  );

  it.each(keyed().map((e) => [label(e), e] as const))(
    '%s: an IP-allowlisted key is refused from outside its networks with 403',
    async (_, e) => {
      const answer = await world.call(
        e,
        request(e, world.a, world.keys.allowlisted, world.a.ids, { sourceIp: OUTSIDE_IP }),
      );
      expect({ status: answer.status, code: errorCode(answer) }).toEqual({
        status: 403,
        code: 'AUTH.FORBIDDEN',
      });
    },
  );

  it.each(ENDPOINTS.filter((e) => e.auth === 'signature').map((e) => [label(e), e] as const))(
    '%s: takes no API key in place of its signature (401)',
    async (_, e) => {
      const answer = await world.call(e, { key: world.a.key, body: '[]' });
      expect({ status: answer.status, code: errorCode(answer) }).toEqual({
        status: 401,
        code: 'AUTH.UNAUTHORIZED',
      });
    },
  );

  it.each(ENDPOINTS.filter((e) => e.auth === 'public').map((e) => [`${e.service} ${label(e)}`, e] as const))(
    '%s: answers anyone, whatever the key or address',
    async (_, e) => {
      for (const extra of [
        {},
        { key: world.keys.revoked },
        { key: world.keys.allowlisted, sourceIp: OUTSIDE_IP },
      ]) {
        // A public route's path names the platform's own things (a console file): tenant A's set has them.
        const params = Object.fromEntries(
          Object.entries(e.ids).map(([name, kind]) => [name, world.a.ids[kind]]),
        );
        const answer = await world.call(e, { ...extra, params });
        expect(answer.status).toBe(200);
        if (e.path === '/health') expect(answer.json).toEqual({ ok: true });
      }
    },
  );

  it("tenant B cannot claim tenant A's domain (409) nor send from it (403 SENDER.DOMAIN_NOT_VERIFIED)", async () => {
    const claim = await world.call(find('POST /v1/domains'), {
      key: world.b.key,
      body: JSON.stringify({ domain: world.a.ids.domain }),
    });
    expect({ status: claim.status, code: errorCode(claim) }).toEqual({
      status: 409,
      code: 'RESOURCE.CONFLICT',
    });
    const send = await world.call(find('POST /v1/messages'), {
      key: world.b.key,
      body: JSON.stringify(
        find('POST /v1/messages').body!({ ...world.b, verifiedDomain: world.a.verifiedDomain }),
      ),
    });
    expect({ status: send.status, code: errorCode(send) }).toEqual({
      status: 403,
      code: 'SENDER.DOMAIN_NOT_VERIFIED',
    });
  });

  it("none of the refusals above changed tenant A's data", async () => {
    expect(await snapshot(world.a)).toEqual(before);
    expect(before).toContain(world.a.marker);
  });

  // Last: these may create data of A's (a domain, a webhook, a queued message).
  it.each(keyed().map((e) => [label(e), e] as const))(
    '%s: an IP-allowlisted key is served from inside its networks',
    async (_, e) => {
      // Reads name A's own items; writes that take an id name an absent one, so nothing seeded is lost.
      const ids = e.method === 'GET' ? world.a.ids : absent;
      const answer = await world.call(
        e,
        request(e, world.a, world.keys.allowlisted, ids, { sourceIp: INSIDE_IP }),
      );
      // A queue name (the ops redrive) names nothing of a tenant's: served.
      const named = Object.values(e.ids).some(isOwned);
      const expected = e.method === 'GET' || !named ? 'served' : 'not found';
      expect(answer.status < 300 ? 'served' : answer.status === 404 ? 'not found' : answer.raw).toBe(
        expected,
      );
    },
  );
});
