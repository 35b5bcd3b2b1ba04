import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ENDPOINTS, type Service } from './catalogue';

const SERVICES: readonly Service[] = ['outbound', 'inbound', 'events', 'api'];

// CloudFormation's short forms (!Sub, !Ref, ...) are not YAML's own tags: kept as plain values, unread here.
const CFN_TAGS = ['!Sub', '!Ref', '!GetAtt', '!Not', '!Equals', '!If', '!Join', '!Select', '!Split'];
const customTags = CFN_TAGS.flatMap((tag) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => value,
  })),
);

const FunctionsSchema = z.record(
  z.string(),
  z.looseObject({
    handler: z.string(),
    events: z
      .array(z.looseObject({ httpApi: z.object({ method: z.string(), path: z.string() }).optional() }))
      .optional(),
  }),
);

/** `POST /v1/domains → add-domain`, for every httpApi event of a service's serverless.yml. */
function declaredRoutes(service: Service): string[] {
  const text = readFileSync(join(__dirname, '..', '..', 'services', service, 'serverless.yml'), 'utf8');
  const functions = FunctionsSchema.parse(
    (parse(text, { customTags: customTags as never, logLevel: 'error' }) as { functions: unknown }).functions,
  );
  return Object.values(functions).flatMap((fn) =>
    (fn.events ?? []).flatMap(({ httpApi }) => {
      if (!httpApi) return [];
      const folder = /^src\/functions\/([^/]+)\/handler\.handler$/.exec(fn.handler)?.[1] ?? fn.handler;
      return [`${service} ${httpApi.method.toUpperCase()} ${httpApi.path} → ${folder}`];
    }),
  );
}

describe('the endpoint catalogue', () => {
  it('lists exactly the httpApi routes the services declare in serverless.yml, each with its handler', () => {
    const declared = SERVICES.flatMap(declaredRoutes).sort();
    const catalogued = ENDPOINTS.map((e) => `${e.service} ${e.method} ${e.path} → ${e.fn}`).sort();
    expect(declared.length).toBeGreaterThan(10);
    expect(catalogued).toEqual(declared);
  });

  it('names an id kind for every path parameter and none other', () => {
    for (const e of ENDPOINTS) {
      const params = [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect({ route: `${e.method} ${e.path}`, params: Object.keys(e.ids).sort() }).toEqual({
        route: `${e.method} ${e.path}`,
        params: params.sort(),
      });
    }
  });

  it('loads a handler function for every entry', async () => {
    for (const e of ENDPOINTS) {
      expect(typeof (await e.load()).handler).toBe('function');
    }
  });
});
