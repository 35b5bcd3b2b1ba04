import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { parse } from 'yaml';
import { handler } from '../../src/functions/openapi/handler';
import { buildOpenApiDocument } from '../../src/openapi/document';
import { ENDPOINTS } from '../../src/openapi/endpoints';

const repo = join(__dirname, '..', '..', '..', '..');
type Document = ReturnType<typeof buildOpenApiDocument>;

/** The document as a client receives it: plain JSON. */
const asJson = (doc: Document) => JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;

async function validate(doc: unknown) {
  const result = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
  return { valid: result.valid, errors: JSON.stringify(result.errors ?? []) };
}

/** `METHOD /path` of every HTTP route a service's serverless.yml declares. */
function declaredRoutes(service: string): string[] {
  const text = readFileSync(join(repo, 'services', service, 'serverless.yml'), 'utf8');
  // CloudFormation tags (!Sub, !GetAtt) are left unresolved: only the functions' events matter here.
  const yml = parse(text, { logLevel: 'silent' }) as {
    functions: Record<string, { events?: { httpApi?: { method: string; path: string } }[] }>;
  };
  return Object.values(yml.functions).flatMap((fn) =>
    (fn.events ?? []).flatMap((e) =>
      e.httpApi ? [`${e.httpApi.method.toUpperCase()} ${e.httpApi.path}`] : [],
    ),
  );
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = asJson(buildOpenApiDocument());
    expect(doc.openapi).toBe('3.1.0');
    expect(await validate(doc)).toEqual({ valid: true, errors: '[]' });
  });

  it('is refused by the validator once an answer loses its description', async () => {
    const doc = asJson(buildOpenApiDocument()) as {
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    delete doc.paths['/v1/messages/{id}']!.get!.responses['200']!.description;
    expect((await validate(doc)).valid).toBe(false);
  });

  it('is refused by the validator when a parameter is not where OpenAPI allows it', async () => {
    const doc = asJson(buildOpenApiDocument()) as {
      paths: Record<string, Record<string, { parameters: { in: string }[] }>>;
    };
    doc.paths['/v1/inbound']!.get!.parameters[0]!.in = 'body';
    expect((await validate(doc)).valid).toBe(false);
  });

  it('documents every /v1 route of the outbound and api services, and nothing they do not serve', () => {
    const declared = [...declaredRoutes('outbound'), ...declaredRoutes('api')].filter((r) =>
      r.split(' ')[1]!.startsWith('/v1/'),
    );
    const documented = ENDPOINTS.filter((e) => e.path.startsWith('/v1/') && !e.pending).map(
      (e) => `${e.method} ${e.path}`,
    );
    expect([...documented].sort()).toEqual([...new Set(declared)].sort());
  });

  it('marks pending only endpoints that have no route yet (switch them to the handler schema on merge)', () => {
    const declared = new Set([...declaredRoutes('outbound'), ...declaredRoutes('api')]);
    const pendingButServed = ENDPOINTS.filter((e) => e.pending && declared.has(`${e.method} ${e.path}`));
    expect(pendingButServed.map((e) => `${e.method} ${e.path}`)).toEqual([]);
  });

  it('has one operation per catalogue entry, each with the error body on its error answers', () => {
    const doc = asJson(buildOpenApiDocument()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    };
    for (const endpoint of ENDPOINTS) {
      const op = doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()];
      expect(op).toBeDefined();
      const errors = Object.entries(op!.responses).filter(([status]) => !status.startsWith('2'));
      expect(errors.map(([status]) => status)).toContain('5XX');
      if (endpoint.scope !== null)
        expect(errors.map(([status]) => status)).toEqual(expect.arrayContaining(['401', '403']));
      for (const [, answer] of errors) {
        expect(answer.content).toEqual({
          'application/json': { schema: { $ref: '#/components/schemas/Error' } },
        });
      }
    }
  });
});

describe('GET /v1/openapi.json', () => {
  const get = invokeHttp(handler as never) as (
    e: APIGatewayProxyEventV2,
  ) => Promise<APIGatewayProxyStructuredResultV2>;

  it('answers the document without an API key', async () => {
    const res = await get({
      rawPath: '/v1/openapi.json',
      requestContext: { http: { method: 'GET' } },
      headers: {},
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(res.body!)).toEqual(asJson(buildOpenApiDocument()));
  });
});
