import { ErrorBodySchema } from '@mailroom/core';
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import type { Endpoint, ErrorCase } from './catalogue';
import { ENDPOINTS } from './endpoints';

/** Local base URLs (`pnpm dev`); on AWS each service has its own HTTP API URL (a stack output). */
const SERVERS = {
  api: { url: 'http://localhost:3000', description: 'api service, local (pnpm dev)' },
  outbound: { url: 'http://localhost:3001', description: 'outbound service, local (pnpm dev)' },
};

/** Extension fields on each operation, read by docs/api.md's generator (scripts/api-reference.ts). */
export const SCOPE_FIELD = 'x-mailroom-scope';
export const ERROR_CODES_FIELD = 'x-mailroom-error-codes';

/** The answers the HTTP stack gives any endpoint, from what it checks (core's http/stack.ts). */
export function errorCases(endpoint: Endpoint): ErrorCase[] {
  const cases: ErrorCase[] = [];
  const inputs = [
    endpoint.body && 'body (or broken JSON)',
    endpoint.query && 'query parameter',
    endpoint.headers && 'header',
    endpoint.invalidPath && 'path parameter',
  ].filter(Boolean);
  if (inputs.length > 0)
    cases.push({ status: 400, code: 'REQUEST.INVALID', when: `invalid ${inputs.join(', ')}` });
  if (endpoint.scope !== null) {
    cases.push({ status: 401, code: 'AUTH.UNAUTHORIZED', when: 'no, unknown or revoked API key' });
    cases.push({
      status: 403,
      code: 'AUTH.FORBIDDEN',
      when: `the key lacks the \`${endpoint.scope}\` scope, or its IP allowlist refuses the caller`,
    });
  }
  if (endpoint.body) {
    cases.push({
      status: 413,
      code: 'REQUEST.TOO_LARGE',
      when: "the body is over this endpoint's size limit",
    });
  }
  cases.push(...(endpoint.errors ?? []));
  return cases.sort((a, b) => a.status - b.status);
}

const RetryAfterHeaders = z.object({
  'Retry-After': z.string().meta({ description: 'Seconds to wait before trying again.' }),
});

function responses(endpoint: Endpoint): ZodOpenApiResponsesObject {
  const { success } = endpoint;
  const result: ZodOpenApiResponsesObject = {
    [String(success.status)]: {
      description: success.description,
      ...(success.schema && { content: { 'application/json': { schema: success.schema } } }),
    },
  };
  const byStatus = new Map<number, ErrorCase[]>();
  for (const c of errorCases(endpoint)) byStatus.set(c.status, [...(byStatus.get(c.status) ?? []), c]);
  for (const [status, cases] of byStatus) {
    result[`${status as ErrorCase['status']}`] = {
      description: cases.map((c) => `\`${c.code}\`: ${c.when}`).join('; '),
      ...(status === 429 && { headers: RetryAfterHeaders }),
      content: { 'application/json': { schema: ErrorBodySchema } },
    };
  }
  result['5XX'] = {
    description:
      'Failure on our side (`INTERNAL`, or a code such as `QUEUE.UNAVAILABLE`); never carries internals.',
    content: { 'application/json': { schema: ErrorBodySchema } },
  };
  return result;
}

function operation(endpoint: Endpoint): ZodOpenApiOperationObject {
  const requestParams = {
    ...(endpoint.params && { path: endpoint.params }),
    ...(endpoint.query && { query: endpoint.query }),
    ...(endpoint.headers && { header: endpoint.headers }),
  };
  return {
    operationId: `${endpoint.method.toLowerCase()}${endpoint.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase())}`,
    summary: endpoint.summary,
    ...(endpoint.description && { description: endpoint.description }),
    tags: [endpoint.service],
    // Per operation, not per path: GET /v1/messages (api) and POST /v1/messages (outbound) share a path.
    ...(endpoint.service === 'outbound' && { servers: [SERVERS.outbound] }),
    security: endpoint.scope === null ? [] : [{ apiKey: [endpoint.scope] }],
    ...(Object.keys(requestParams).length > 0 && { requestParams }),
    ...(endpoint.body && {
      requestBody: { required: true, content: { 'application/json': { schema: endpoint.body } } },
    }),
    responses: responses(endpoint),
    [SCOPE_FIELD]: endpoint.scope,
    [ERROR_CODES_FIELD]: [...new Set(errorCases(endpoint).map((c) => c.code))],
    ...(endpoint.pending && { 'x-mailroom-pending': true }),
  };
}

/** The OpenAPI 3.1 document of `endpoints` (every endpoint by default), built with zod-openapi. */
export function buildOpenApiDocument(endpoints: readonly Endpoint[] = ENDPOINTS) {
  const paths: ZodOpenApiPathsObject = {};
  for (const endpoint of endpoints) {
    const item = (paths[endpoint.path] ??= {});
    item[endpoint.method.toLowerCase() as 'get' | 'post' | 'delete'] = operation(endpoint);
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Mailroom HTTP API',
      version: '1',
      description:
        'Outbound (send, attachments, domains) and api (read, inbound, stats, webhooks) services. Errors are ' +
        '`{"error": {"code", "message", "details"}}`; lists take `limit` (1–100, default 25) and `cursor`.',
    },
    servers: [SERVERS.api],
    tags: [
      { name: 'outbound', description: `Served by the outbound service (${SERVERS.outbound.url} locally).` },
      { name: 'api', description: `Served by the api service (${SERVERS.api.url} locally).` },
    ],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key: `Authorization: Bearer <key>`. The scopes listed per operation are required.',
        },
      },
    },
    paths,
  });
}
