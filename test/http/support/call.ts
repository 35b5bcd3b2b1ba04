import { randomUUID } from 'node:crypto';
import { lambdaContext } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { z } from 'zod';
import type { Endpoint } from '../catalogue';

/** One request as API Gateway would hand it to the function. */
export interface Call {
  /** `Authorization: Bearer <key>`; leave out for none (or set the header yourself). */
  key?: string;
  headers?: Record<string, string>;
  /** Path parameters as API Gateway passes them (still %-encoded); default: the route's own names, `x`. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  sourceIp?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  raw: string;
  json: unknown;
}

/** The contract's error body: `{"error": {"code", "message", "details"?}}`, code a stable dotted string. */
export const ErrorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[A-Z][A-Z_]*(\.[A-Z][A-Z_]*)*$/),
    message: z.string().min(1),
    details: z.unknown().optional(),
  }),
});

/** The API Gateway v2 (HTTP API, payload 2.0) event of a request to `endpoint`. */
export function httpEvent(endpoint: Endpoint, request: Call): APIGatewayProxyEventV2 {
  const params = request.params ?? {};
  const rawPath = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x');
  const headers: Record<string, string> = {
    ...(request.key !== undefined && { authorization: `Bearer ${request.key}` }),
    ...(request.body !== undefined && { 'content-type': 'application/json' }),
    ...request.headers,
  };
  const query = request.query;
  const pathParameters = Object.keys(endpoint.ids).length
    ? Object.fromEntries(Object.keys(endpoint.ids).map((name) => [name, params[name] ?? 'x']))
    : undefined;
  return {
    version: '2.0',
    routeKey: `${endpoint.method} ${endpoint.path}`,
    rawPath,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    ...(query && { queryStringParameters: query }),
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: endpoint.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: 'isolation-test',
      },
      requestId: randomUUID(),
      routeKey: `${endpoint.method} ${endpoint.path}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(request.body !== undefined && { body: request.body }),
    isBase64Encoded: request.isBase64Encoded ?? false,
  };
}

/** Calls the endpoint's handler in this process, as Lambda would, and reads its answer. */
export async function call(endpoint: Endpoint, request: Call): Promise<Answer> {
  const { handler } = await endpoint.load();
  const result = (await handler(
    httpEvent(endpoint, request),
    lambdaContext(),
  )) as APIGatewayProxyStructuredResultV2;
  const raw = typeof result.body === 'string' ? result.body : '';
  let json: unknown;
  try {
    json = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  return { status: result.statusCode ?? 200, headers, raw, json };
}
