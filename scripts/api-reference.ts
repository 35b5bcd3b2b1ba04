/**
 * `pnpm docs:api`: writes docs/api.md from the OpenAPI document. A test (scripts/test/api-reference.test.ts)
 * fails while the checked-in file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument } from '../services/api/src/openapi/document';
import { renderApiReference, type ApiDocument } from './lib/api-reference';

export const API_REFERENCE_PATH = join(__dirname, '..', 'docs', 'api.md');

/** docs/api.md as it should read now. */
export const currentApiReference = () =>
  renderApiReference(JSON.parse(JSON.stringify(buildOpenApiDocument())) as ApiDocument);

if (require.main === module) {
  writeFileSync(API_REFERENCE_PATH, currentApiReference());
  console.log(`wrote ${API_REFERENCE_PATH}`);
}
