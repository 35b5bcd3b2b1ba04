import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { toHttpError } from '../errors';
import type { ApiScope } from '../schemas/common';
import { parseOrThrow } from '../schemas/issues';
import type { Principal } from '../stores/tenants/api-keys';
import { authorize, type KeyAuthenticator } from './auth';
import { header, jsonBody } from './request';
import { json } from './respond';

/**
 * The one HTTP middleware stack every Mailroom service uses (middy):
 *
 *   Powertools context (request id in every log line) → error mapping, error log and metric →
 *   API key + scope → JSON body (size limit, zod schema) → the route's use case.
 *
 * A route returns `{ status, body, headers }`; anything it throws becomes the contract's error body
 * `{"error": {"code", "message", "details"}}` (5xx without internals). Every 5xx is logged with its
 * cause and counted as the `HttpServerErrors` metric (the alarm's source: a handler that answers 500
 * never fails the invocation, so Lambda's own Errors metric stays at zero); 4xx are logged at info.
 */
export interface HttpStackOptions {
  logger: Logger;
  metrics: Metrics;
  /** Where API keys are looked up; called per request so wiring stays lazy. */
  keys: () => KeyAuthenticator | Promise<KeyAuthenticator>;
}

export interface BodySpec<B> {
  schema: z.ZodType<B>;
  maxBytes: number;
  /** Names the body in error messages: "invalid SendMailRequest". */
  what: string;
}

export interface RouteSpec<B> {
  /** The scope the API key must carry; `null`: no API key (the route authenticates otherwise, or is public). */
  scope: ApiScope | null;
  body?: BodySpec<B>;
}

export interface HttpRequest<B, P> {
  event: APIGatewayProxyEventV2;
  principal: P;
  body: B;
  /** A request header, case-insensitively. */
  header(name: string): string | undefined;
  /** A path parameter (`/v1/domains/{domain}` → `path('domain')`), URL-decoded; throws 400 if absent. */
  path(name: string): string;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type PrincipalOf<S extends RouteSpec<unknown>> = S['scope'] extends ApiScope ? Principal : undefined;
type BodyOf<S extends RouteSpec<unknown>> = S['body'] extends BodySpec<infer B> ? B : undefined;

/** Maps what a route threw to the contract's error response; logs it and counts server errors. */
export const errorMapping = ({
  logger,
  metrics,
}: Pick<HttpStackOptions, 'logger' | 'metrics'>): MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2
> => ({
  onError: async (request) => {
    const { statusCode, headers, body } = toHttpError(request.error);
    const route = `${request.event.requestContext?.http?.method ?? ''} ${request.event.rawPath ?? ''}`.trim();
    if (statusCode >= 500) {
      logger.error('request failed', {
        route,
        status: statusCode,
        code: body.error.code,
        error: request.error,
      });
      metrics.addMetric('HttpServerErrors', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    } else {
      logger.info('request refused', { route, status: statusCode, code: body.error.code });
    }
    request.response = {
      ...json(statusCode, body),
      ...(headers && { headers: { ...jsonHeaders, ...headers } }),
    };
  },
});

const jsonHeaders = { 'content-type': 'application/json' };

/** A service's route builder: `const route = httpStack({ logger, metrics, keys })`, then one `route(...)` per handler. */
export function httpStack(options: HttpStackOptions) {
  return function route<S extends RouteSpec<unknown>>(
    spec: S,
    handle: (request: HttpRequest<BodyOf<S>, PrincipalOf<S>>) => Promise<HttpResult>,
  ) {
    return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>()
      .use(injectLambdaContext(options.logger, { resetKeys: true }))
      .use(errorMapping(options))
      .handler(async (event) => {
        const principal =
          spec.scope === null ? undefined : await authorize(event, await options.keys(), spec.scope);
        const body = spec.body
          ? parseOrThrow(spec.body.schema, jsonBody(event, spec.body.maxBytes), `invalid ${spec.body.what}`)
          : undefined;
        const result = await handle({
          event,
          principal: principal as PrincipalOf<S>,
          body: body as BodyOf<S>,
          header: (name) => header(event, name),
          path: (name) => pathParameter(event, name),
        });
        const response = json(result.status, result.body);
        if (result.body === undefined) response.body = '';
        return result.headers ? { ...response, headers: { ...jsonHeaders, ...result.headers } } : response;
      });
  };
}

function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const raw = event.pathParameters?.[name];
  if (raw === undefined || raw === '') throw new Error(`route has no path parameter ${name}`);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
