import type { ApiScope } from '@mailroom/core';
import type { z } from 'zod';

/**
 * One entry of the HTTP API's catalogue (endpoints.ts): enough to write its OpenAPI operation and its line
 * in docs/api.md. The schemas are the ones the handler validates with, so the document cannot promise
 * what the code refuses.
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI form: `/v1/messages/{id}`. */
  path: string;
  /** The service that serves it; outbound and api are separate HTTP APIs with their own base URL. */
  service: 'outbound' | 'api';
  summary: string;
  description?: string;
  /** The scope the API key needs; null: no API key. Adds 401 and 403 to the answers. */
  scope: ApiScope | null;
  /** Path parameters; a schema that can refuse a value adds 400 (`invalidPath`). */
  params?: z.ZodObject;
  /** Whether a path parameter the schema would take can still be refused with 400. */
  invalidPath?: boolean;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** A JSON body; adds 400 (invalid, broken JSON) and 413 (over the endpoint's size limit). */
  body?: z.ZodType;
  success: { status: 200 | 201 | 202 | 204; description: string; schema?: z.ZodType };
  /** Answers beyond the ones the stack gives every endpoint (see errors.ts). */
  errors?: ErrorCase[];
  /**
   * Documented ahead of its handler, with a schema written from the contract. The route test
   * fails once the route exists in serverless.yml while this is still set: switch to the handler's schema.
   */
  pending?: true;
}

export interface ErrorCase {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 429;
  code: string;
  when: string;
}
