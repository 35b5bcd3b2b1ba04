import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { entry, files } from '@mailroom/console';
import { httpStack } from '@mailroom/core/http';
import { InMemoryTenantStore, invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { contentSecurityPolicy, serveConsole } from '../../src/console/page';

const OUTBOUND = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

describe('the console page and files', () => {
  it('serves the page with a policy that allows no inline script and fetches only to the two services', () => {
    const answer = serveConsole(undefined, OUTBOUND);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    const csp = answer.headers['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${OUTBOUND}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe');
    // The page names the build's files, and both are served.
    expect(answer.body).toContain(`src="/console/${entry.js}"`);
    expect(answer.body).toContain(`href="/console/${entry.css}"`);
    expect(answer.body).toContain(`<meta name="mailroom-outbound-url" content="${OUTBOUND}">`);
    expect(answer.body).not.toMatch(/<script>|\son\w+=/);
  });

  it('serves each built file under its hashed name, cached for good', () => {
    for (const name of [entry.js, entry.css]) {
      const answer = serveConsole(name, OUTBOUND);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(files[name]!.body);
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect(serveConsole(entry.js, OUTBOUND).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(serveConsole(entry.css, OUTBOUND).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it.each(['app.js', '__proto__', 'constructor', 'toString', '..%2Fpackage.json', ''])(
    'answers %j with a 404 in the error shape',
    (name) => {
      const answer = serveConsole(name || 'x', OUTBOUND);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'RESOURCE.NOT_FOUND', message: 'no such console file' },
      });
    },
  );

  it('names only the outbound origin in the policy, and escapes the URL in the page', () => {
    expect(contentSecurityPolicy(`${OUTBOUND}/some/path?q=1`)).toContain(`connect-src 'self' ${OUTBOUND};`);
    expect(serveConsole(undefined, 'http://localhost:3001/"><script>').body).toContain(
      'content="http://localhost:3001/&quot;&gt;&lt;script&gt;"',
    );
  });
});

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

describe('GET /v1/me', () => {
  const tenants = new InMemoryTenantStore();
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  let handler: Handler;
  const env = process.env.MAILROOM_OPERATOR_TENANT;

  beforeAll(async () => {
    await tenants.createTenant('acme');
    await tenants.createTenant('globex');
    process.env.MAILROOM_OPERATOR_TENANT = 'acme';
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    jest.doMock('../../src/wiring', () => ({
      route: httpStack({ logger: new Logger({ logLevel: 'SILENT' }), metrics, keys: () => tenants }),
    }));
    jest.doMock('../../src/ops/config', () => ({
      opsConfig: () => ({ MAILROOM_OPERATOR_TENANT: process.env.MAILROOM_OPERATOR_TENANT }),
    }));
    handler = invokeHttp((await import('../../src/functions/get-me/handler')).handler as never) as Handler;
  });
  afterAll(() => {
    jest.dontMock('../../src/wiring');
    jest.dontMock('../../src/ops/config');
    process.env.MAILROOM_OPERATOR_TENANT = env;
  });

  const me = async (key: string | null) => {
    const answer = await handler({
      rawPath: '/v1/me',
      requestContext: { http: { method: 'GET' } },
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
      isBase64Encoded: false,
    } as never);
    return { status: answer.statusCode, body: JSON.parse(answer.body ?? 'null') as Record<string, unknown> };
  };

  it("answers the key's tenant, scopes and whether it is the operator", async () => {
    const acme = await tenants.createApiKey('acme', ['read', 'send']);
    const globex = await tenants.createApiKey('globex', ['read', 'admin']);
    expect(await me(acme.key)).toEqual({
      status: 200,
      body: { tenantId: 'acme', scopes: ['read', 'send'], operator: true },
    });
    expect(await me(globex.key)).toEqual({
      status: 200,
      body: { tenantId: 'globex', scopes: ['read', 'admin'], operator: false },
    });
  });

  it('refuses a key without the read scope (403) and a missing or unknown key (401)', async () => {
    const sendOnly = await tenants.createApiKey('acme', ['send']);
    expect(await me(sendOnly.key)).toMatchObject({
      status: 403,
      body: { error: { code: 'AUTH.FORBIDDEN' } },
    });
    expect((await me(null)).status).toBe(401);
    expect((await me('nope')).status).toBe(401);
  });
});
