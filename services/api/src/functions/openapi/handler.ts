import { buildOpenApiDocument } from '../../openapi/document';
import { route } from '../../wiring';

// Built once per container: the document depends on code only.
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

/** GET /v1/openapi.json — no API key: the document describes the API, it holds no tenant data. */
export const handler = route({ scope: null }, async () => {
  document ??= buildOpenApiDocument();
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
