import { readFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../../services/api/src/openapi/document';
import { ENDPOINTS } from '../../services/api/src/openapi/endpoints';
import { API_REFERENCE_PATH, currentApiReference } from '../api-reference';
import { renderApiReference, type ApiDocument } from '../lib/api-reference';

const asJson = (doc: ReturnType<typeof buildOpenApiDocument>) =>
  JSON.parse(JSON.stringify(doc)) as ApiDocument;

/** The section of `markdown` under the heading of `METHOD /path`, up to the next heading. */
const section = (markdown: string, route: string) => {
  const start = markdown.indexOf(`### \`${route}\``);
  if (start < 0) return undefined;
  const end = markdown.indexOf('\n### ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
};

describe('docs/api.md', () => {
  it('is what `pnpm docs:api` writes from the current OpenAPI document (run it after changing an endpoint)', () => {
    expect(readFileSync(API_REFERENCE_PATH, 'utf8')).toBe(currentApiReference());
  });

  it('has a section per endpoint with its scope and every error code it can answer', () => {
    const markdown = currentApiReference();
    const doc = asJson(buildOpenApiDocument()) as unknown as {
      paths: Record<
        string,
        Record<string, { 'x-mailroom-scope': string | null; 'x-mailroom-error-codes': string[] }>
      >;
    };
    for (const endpoint of ENDPOINTS) {
      const text = section(markdown, `${endpoint.method} ${endpoint.path}`);
      expect(text).toBeDefined();
      const op = doc.paths[endpoint.path]![endpoint.method.toLowerCase()]!;
      expect(text).toContain(op['x-mailroom-scope'] ? `Scope: \`${op['x-mailroom-scope']}\`` : 'Scope: none');
      for (const code of op['x-mailroom-error-codes']) expect(text).toContain(`\`${code}\``);
    }
  });

  it('lists the request body fields of an endpoint that takes a body', () => {
    const text = section(currentApiReference(), 'POST /v1/domains');
    expect(text).toMatch(/\| `domain` \| \[DomainName\]\(#domainname\) \| yes \|/);
    expect(text).toMatch(/\| `mailFrom` \| \[DomainName\]\(#domainname\) \| no \|/);
  });

  it('leaves out an endpoint the document does not have', () => {
    const without = ENDPOINTS.filter((e) => e.path !== '/v1/webhooks');
    const markdown = renderApiReference(asJson(buildOpenApiDocument(without)));
    expect(section(markdown, 'POST /v1/webhooks')).toBeUndefined();
    expect(section(markdown, 'DELETE /v1/webhooks/{id}')).toBeDefined();
  });
});
