import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/**
 * Every HTTP endpoint of every service, one entry a line: what the isolation sweep and the fuzz test walk.
 * catalogue.test.ts checks it against the `httpApi` events of the services' serverless.yml files, so an
 * endpoint added there and not here (or the other way round) fails the build.
 *
 * An entry: `endpoint(service, 'METHOD /path/{param}', auth, handler folder, ids?, body?)`
 * - auth: the API key scope the route needs (`send`, `read`, `admin`), `operator` (scope `admin` and
 *   the operator tenant's key only: the ops endpoints), `signature` (it authenticates otherwise) or `public`;
 * - ids: what kind of stored thing each path parameter names, so tests can put a tenant's own or another
 *   tenant's in it;
 * - body: a valid JSON body for the tenant (`Seeded` below), for routes that take one.
 */
export type Service = 'outbound' | 'inbound' | 'events' | 'api';
export type Auth = 'send' | 'read' | 'admin' | 'operator' | 'signature' | 'public';
/** What a path parameter can name: a stored item each test tenant has one of. */
export type IdKind = 'message' | 'inbound' | 'webhook' | 'domain' | 'dlq' | 'file';
/** Whether a path parameter of this kind names something a tenant owns (a DLQ name or a console file is the platform's). */
export const isOwned = (kind: IdKind): boolean => kind !== 'dlq' && kind !== 'file';

/** One tenant's seeded data, as body factories see it. */
export interface Seeded {
  tenantId: string;
  /** A sending domain verified for this tenant. */
  verifiedDomain: string;
  /** A value not used before in this run (fresh domain names, webhook URLs). */
  unique(): string;
}

type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | string | object | undefined | void>;

export interface Endpoint {
  service: Service;
  method: 'GET' | 'POST' | 'DELETE';
  /** The route as serverless.yml declares it: `/v1/domains/{domain}`. */
  path: string;
  auth: Auth;
  /** The function's folder, `services/<service>/src/functions/<fn>/handler.ts`. */
  fn: string;
  /** The handler module, imported only when a test first calls it (the service's env is set by then). */
  load: () => Promise<{ handler: HttpHandler }>;
  ids: Record<string, IdKind>;
  body?: (tenant: Seeded) => unknown;
}

const endpoint = (
  service: Service,
  route: `${Endpoint['method']} /${string}`,
  auth: Auth,
  fn: string,
  ids: Record<string, IdKind> = {},
  body?: (tenant: Seeded) => unknown,
): Endpoint => {
  const [method, path] = route.split(' ') as [Endpoint['method'], string];
  // The relative path keeps the import inside jest's module registry (and its transform).
  const load = () => import(`../../services/${service}/src/functions/${fn}/handler`);
  return { service, method, path, auth, fn, load, ids, ...(body && { body }) };
};

const mail = (t: Seeded) => ({
  from: `app@${t.verifiedDomain}`,
  to: ['ana@example.com'],
  subject: 'Hi',
  text: 'Hi',
});
const upload = () => ({ filename: 'a.pdf', contentType: 'application/pdf', size: 1024 });
const domain = (t: Seeded) => ({ domain: `${t.unique()}.${t.tenantId}.test` });
const webhook = (t: Seeded) => ({ url: `https://hooks.${t.tenantId}.example/${t.unique()}` });

export const ENDPOINTS: readonly Endpoint[] = [
  endpoint('outbound', 'POST /v1/messages', 'send', 'accept', {}, mail),
  endpoint('outbound', 'POST /v1/attachments', 'send', 'attachments', {}, upload),
  endpoint('outbound', 'POST /v1/domains', 'admin', 'add-domain', {}, domain),
  endpoint('outbound', 'GET /v1/domains', 'admin', 'list-domains'),
  endpoint('outbound', 'GET /v1/domains/{domain}', 'admin', 'get-domain', { domain: 'domain' }),
  endpoint('outbound', 'DELETE /v1/domains/{domain}', 'admin', 'delete-domain', { domain: 'domain' }),
  endpoint('outbound', 'GET /health', 'public', 'health'),
  endpoint('api', 'GET /v1/messages', 'read', 'list-messages'),
  endpoint('api', 'GET /v1/messages/{id}', 'read', 'get-message', { id: 'message' }),
  endpoint('api', 'POST /v1/messages/{id}/retry', 'send', 'retry-message', { id: 'message' }),
  endpoint('api', 'GET /v1/inbound', 'read', 'list-inbound'),
  endpoint('api', 'GET /v1/inbound/{id}', 'read', 'get-inbound', { id: 'inbound' }),
  endpoint('api', 'POST /v1/inbound/{id}/retry', 'send', 'retry-inbound', { id: 'inbound' }),
  endpoint('api', 'POST /v1/webhooks', 'admin', 'create-webhook', {}, webhook),
  endpoint('api', 'GET /v1/webhooks', 'admin', 'list-webhooks'),
  endpoint('api', 'DELETE /v1/webhooks/{id}', 'admin', 'delete-webhook', { id: 'webhook' }),
  endpoint('api', 'GET /v1/stats', 'read', 'get-stats'),
  endpoint('api', 'GET /v1/openapi.json', 'public', 'openapi'),
  endpoint('api', 'GET /v1/ops/dlq', 'operator', 'get-dlq-depths'),
  endpoint('api', 'POST /v1/ops/dlq/{queue}/redrive', 'operator', 'redrive-dlq', { queue: 'dlq' }, () => ({
    max: 1,
  })),
  endpoint('api', 'GET /v1/me', 'read', 'get-me'),
  endpoint('api', 'GET /console', 'public', 'console'),
  endpoint('api', 'GET /console/{file}', 'public', 'console', { file: 'file' }),
  endpoint('api', 'GET /health', 'public', 'health'),
  endpoint('events', 'POST /webhooks/sendgrid', 'signature', 'sendgrid-webhook'),
  endpoint('events', 'GET /health', 'public', 'health'),
  endpoint('inbound', 'GET /health', 'public', 'health'),
];

/** `GET /v1/domains/{domain}` */
export const label = (e: Pick<Endpoint, 'method' | 'path'>): string => `${e.method} ${e.path}`;

/** The endpoints an API key opens, with the scope each needs (an operator endpoint needs `admin`). */
export const keyed = (): (Endpoint & { auth: 'send' | 'read' | 'admin'; operatorOnly: boolean })[] =>
  ENDPOINTS.filter((e) => ['send', 'read', 'admin', 'operator'].includes(e.auth)).map((e) => ({
    ...e,
    auth: e.auth === 'operator' ? 'admin' : (e.auth as 'send' | 'read' | 'admin'),
    operatorOnly: e.auth === 'operator',
  }));
