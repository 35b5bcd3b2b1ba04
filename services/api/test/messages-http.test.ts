import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { MESSAGE_STATUSES, type MessageStatus } from '@mailroom/core';
import { httpStack } from '@mailroom/core/http';
import { InMemoryTenantStore, invokeHttp } from '@mailroom/core/testing';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { RETRYABLE_STATUSES } from '../src/messages/retry-message';
import { messagesTestDeps, storedMessage, type TestMessagesDeps } from './support/messages';

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * GET /v1/messages and POST /v1/messages/{id}/retry through the real middleware stack (API key, scope,
 * error mapping), with the service's wiring swapped for in-memory deps.
 */
describe('/v1/messages list and retry handlers', () => {
  const tenants = new InMemoryTenantStore();
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  let deps: TestMessagesDeps;
  let handlers: Record<'list' | 'retry', Handler>;
  const keys: Record<'read' | 'send' | 'admin' | 'globex', string> = {
    read: '',
    send: '',
    admin: '',
    globex: '',
  };

  beforeAll(async () => {
    await tenants.createTenant('acme');
    await tenants.createTenant('globex');
    keys.read = (await tenants.createApiKey('acme', ['read'])).key;
    keys.send = (await tenants.createApiKey('acme', ['send'])).key;
    keys.admin = (await tenants.createApiKey('acme', ['admin'])).key;
    keys.globex = (await tenants.createApiKey('globex', ['read', 'send'])).key;
    jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    jest.doMock('../src/wiring', () => ({
      route: httpStack({ logger: new Logger({ logLevel: 'SILENT' }), metrics, keys: () => tenants }),
      messagesDeps: async () => deps,
    }));
    const load = async (fn: string) =>
      invokeHttp((await import(`../src/functions/${fn}/handler`)).handler as never) as Handler;
    handlers = { list: await load('list-messages'), retry: await load('retry-message') };
  });
  afterAll(() => jest.dontMock('../src/wiring'));
  beforeEach(() => {
    deps = messagesTestDeps();
  });

  const event = (
    method: string,
    path: string,
    options: { key?: string | null; id?: string; query?: Record<string, string> } = {},
  ) =>
    ({
      rawPath: path,
      requestContext: { http: { method } },
      headers: options.key === null ? {} : { authorization: `Bearer ${options.key ?? keys.read}` },
      isBase64Encoded: false,
      ...(options.id !== undefined && { pathParameters: { id: options.id } }),
      ...(options.query && { queryStringParameters: options.query }),
    }) as unknown as APIGatewayProxyEventV2;
  const list = (query?: Record<string, string>, key?: string | null) =>
    handlers.list(event('GET', '/v1/messages', { query, key }));
  const retry = (id: string, key: string | null = keys.send) =>
    handlers.retry(event('POST', `/v1/messages/${id}/retry`, { id, key }));
  const answer = (res: APIGatewayProxyStructuredResultV2) => ({
    status: res.statusCode,
    body: JSON.parse(res.body || 'null') as Record<string, unknown>,
  });
  const errorOf = (res: APIGatewayProxyStructuredResultV2) => {
    const { error } = JSON.parse(res.body ?? '{}') as {
      error: { code: string; message: string; details?: { path: string }[] };
    };
    return { status: res.statusCode, code: error.code, paths: (error.details ?? []).map((d) => d.path) };
  };
  const at = (minute: number) => `2026-12-03T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const ids = (res: APIGatewayProxyStructuredResultV2) =>
    (answer(res).body.items as { id: string }[]).map((m) => m.id);

  describe('GET /v1/messages', () => {
    it('lists the tenant’s mail newest first, page by page, items as the detail without events', async () => {
      const older = await storedMessage(deps, { createdAt: at(1), status: 'sent' });
      const newer = await storedMessage(deps, { createdAt: at(2) });
      await storedMessage(deps, { tenantId: 'globex', createdAt: at(3) });

      const first = answer(await list({ limit: '1' }));
      expect(first).toEqual({
        status: 200,
        body: {
          items: [
            {
              id: newer.id,
              tenantId: 'acme',
              status: 'queued',
              from: newer.from,
              to: newer.to,
              subject: newer.subject,
              provider: null,
              providerMessageId: null,
              attempts: 0,
              lastError: null,
              createdAt: at(2),
              updatedAt: expect.any(String),
            },
          ],
          nextCursor: expect.any(String),
        },
      });
      const second = answer(await list({ limit: '1', cursor: String(first.body.nextCursor) }));
      expect(second.body).toEqual({
        items: [expect.objectContaining({ id: older.id, status: 'sent' })],
        nextCursor: null,
      });
      expect(ids(await list())).toEqual([newer.id, older.id]); // limit 25 by default
      expect(ids(await list({}, keys.globex))).toHaveLength(1);
    });

    it('filters by status, recipient (any case) and creation time, inclusive', async () => {
      const a = await storedMessage(deps, { createdAt: at(1), status: 'failed' });
      const b = await storedMessage(deps, {
        createdAt: at(2),
        request: { to: ['bo@example.com'], cc: ['Cy@Example.com'] },
      });
      const c = await storedMessage(deps, { createdAt: at(3), status: 'failed' });
      expect(ids(await list({ status: 'failed' }))).toEqual([c.id, a.id]);
      expect(ids(await list({ recipient: 'CY@example.COM' }))).toEqual([b.id]);
      expect(ids(await list({ since: at(2), until: at(3) }))).toEqual([c.id, b.id]);
      expect(ids(await list({ since: '2026-12-03T11:02:00+01:00' }))).toEqual([c.id, b.id]);
      expect(ids(await list({ until: '2026-12-03' }))).toEqual([]);
      expect(ids(await list({ status: 'failed', since: at(2) }))).toEqual([c.id]);
    });

    it.each<[string, Record<string, string>, string]>([
      ['a status that does not exist', { status: 'lost' }, 'status'],
      ['an inbound status', { status: 'processed' }, 'status'],
      ['a recipient that is no address', { recipient: 'ana' }, 'recipient'],
      ['a since that is no date', { since: 'yesterday' }, 'since'],
      ['an until without an offset', { until: '2026-12-03T10:00:00' }, 'until'],
      ['a date that does not exist', { since: '2026-02-30' }, 'since'],
      ['until before since', { since: at(5), until: at(4) }, 'until'],
      ['limit 0', { limit: '0' }, 'limit'],
      ['limit 101', { limit: '101' }, 'limit'],
      ['limit 2.5', { limit: '2.5' }, 'limit'],
      ['limit ten', { limit: 'ten' }, 'limit'],
      ['an empty cursor', { cursor: '' }, 'cursor'],
      ['an unknown parameter', { page: '2' }, ''],
    ])('answers 400 REQUEST.INVALID for %s, naming it', async (_what, query, path) => {
      await storedMessage(deps);
      const error = errorOf(await list(query));
      expect(error).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
      if (path) expect(error.paths).toContain(path);
    });

    it('refuses a forged, truncated, altered, another tenant’s or another query’s cursor with a 400', async () => {
      for (let minute = 0; minute < 3; minute++) await storedMessage(deps, { createdAt: at(minute) });
      await storedMessage(deps, { tenantId: 'globex' });
      await storedMessage(deps, { tenantId: 'globex' });
      const cursor = String(answer(await list({ limit: '1' })).body.nextCursor);
      const filtered = String(answer(await list({ limit: '1', status: 'queued' })).body.nextCursor);
      const [version, body, mac] = cursor.split('.') as [string, string, string];
      const forged = `v1.${Buffer.from(JSON.stringify({ a: `${at(9)}#01KBJ000000000000000000000`, t: 'x', q: 'y' })).toString('base64url')}.${mac}`;
      const altered = `${version}.${body.slice(0, -2)}${body.endsWith('A') ? 'B' : 'A'}${body.slice(-1)}.${mac}`;
      const messages = async (query: Record<string, string>, key?: string) => {
        const res = await list(query, key);
        expect(errorOf(res)).toEqual({ status: 400, code: 'REQUEST.INVALID', paths: ['cursor'] });
        return (JSON.parse(res.body ?? '{}') as { error: { message: string } }).error.message;
      };
      await expect(messages({ cursor: 'garbage' })).resolves.toMatch(/not a cursor this API issued/);
      await expect(messages({ cursor: forged })).resolves.toMatch(/altered or truncated/);
      await expect(messages({ cursor: cursor.slice(0, -1) })).resolves.toMatch(
        /not a cursor|altered or truncated/,
      );
      await expect(messages({ cursor: altered })).resolves.toMatch(/altered or truncated/);
      await expect(messages({ cursor }, keys.globex)).resolves.toMatch(/another tenant/);
      await expect(messages({ cursor, status: 'failed' })).resolves.toMatch(/different query/);
      await expect(messages({ cursor: filtered })).resolves.toMatch(/different query/);
      // The same cursor with its own query, and any limit, still pages.
      expect(answer(await list({ cursor, limit: '5' })).status).toBe(200);
    });

    it('answers 401 without a key and 403 for a key without the read scope', async () => {
      expect(errorOf(await list({}, null))).toMatchObject({ status: 401, code: 'AUTH.UNAUTHORIZED' });
      expect(errorOf(await list({}, keys.send))).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
      expect(errorOf(await list({}, keys.admin))).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
    });
  });

  describe('POST /v1/messages/{id}/retry', () => {
    it.each(RETRYABLE_STATUSES)(
      'puts %s mail’s stored request back on the send queue under a fresh attempt (202)',
      async (status) => {
        const request = await storedMessage(deps, {
          status,
          request: { cc: ['cc@example.com'], html: '<p>hi</p>', tags: { campaign: 'x' } },
        });
        const res = answer(await retry(request.id));
        expect(res).toEqual({
          status: 202,
          body: { id: request.id, status: 'queued', retryId: expect.any(String) },
        });
        const retryId = String(res.body.retryId);
        expect(deps.enqueued).toEqual([{ ...request, retryId }]);
        const stored = (await deps.messages.getWithEvents(request.id))!;
        expect(stored.message).toMatchObject({ status: 'queued', retryId });
        expect(stored.events.at(-1)).toMatchObject({
          type: 'retried',
          provider: null,
          data: { retryId, after: status },
        });
      },
    );

    it('sends exactly the stored request, without the fields Mailroom set on an earlier queue copy', async () => {
      const request = await storedMessage(deps, { status: 'failed' });
      await deps.requests.put({ ...request, attemptsUsed: 3, shareSlotAt: 5, retryId: deps.newId() });
      const res = answer(await retry(request.id));
      expect(deps.enqueued).toEqual([{ ...request, retryId: res.body.retryId }]);
    });

    it.each(MESSAGE_STATUSES.filter((s) => !(RETRYABLE_STATUSES as readonly MessageStatus[]).includes(s)))(
      'answers 409 MESSAGE.NOT_RETRYABLE for %s mail and changes nothing',
      async (status) => {
        const request = await storedMessage(deps, { status });
        const before = await deps.messages.getWithEvents(request.id);
        expect(errorOf(await retry(request.id))).toEqual({
          status: 409,
          code: 'MESSAGE.NOT_RETRYABLE',
          paths: ['status'],
        });
        await expect(deps.messages.getWithEvents(request.id)).resolves.toEqual(before);
        expect(deps.enqueued).toEqual([]);
      },
    );

    it('lets one of two concurrent retries win; the other is a 409 and nothing is queued twice', async () => {
      const request = await storedMessage(deps, { status: 'failed' });
      const answers = await Promise.all([retry(request.id), retry(request.id)]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([202, 409]);
      expect(deps.enqueued).toHaveLength(1);
      const events = (await deps.messages.getWithEvents(request.id))!.events.map((e) => e.type);
      expect(events.filter((t) => t === 'retried')).toHaveLength(1);
    });

    it('answers 409 once the retried mail is queued again, until it fails again', async () => {
      const request = await storedMessage(deps, { status: 'failed' });
      expect((await retry(request.id)).statusCode).toBe(202);
      expect(errorOf(await retry(request.id))).toMatchObject({ status: 409, code: 'MESSAGE.NOT_RETRYABLE' });
      await deps.messages.transition(request.id, 'acme', {
        status: 'failed',
        event: { type: 'failed', provider: 'ses', data: {} },
      });
      const again = answer(await retry(request.id));
      expect(again.status).toBe(202);
      expect(deps.enqueued.map((m) => m.retryId)).toEqual([expect.any(String), again.body.retryId]);
      expect(deps.enqueued[0]!.retryId).not.toBe(again.body.retryId);
    });

    it('answers 409 when the request is no longer stored, and changes nothing', async () => {
      const request = await storedMessage(deps, { status: 'failed' });
      const gone = messagesTestDeps();
      gone.messages = deps.messages;
      deps = gone;
      expect(errorOf(await retry(request.id))).toMatchObject({ status: 409, code: 'MESSAGE.NOT_RETRYABLE' });
      await expect(deps.messages.get(request.id)).resolves.toMatchObject({ status: 'failed' });
      expect(deps.enqueued).toEqual([]);
    });

    it('answers 404 for an unknown id, another tenant’s id, and an id that is no ULID', async () => {
      const acme = await storedMessage(deps, { status: 'failed' });
      const unknown = deps.newId();
      const notFound = { status: 404, code: 'RESOURCE.NOT_FOUND', paths: [] };
      expect(errorOf(await retry(unknown))).toEqual(notFound);
      expect(errorOf(await retry(acme.id, keys.globex))).toEqual(notFound);
      expect(errorOf(await retry('not-an-id'))).toEqual(notFound);
      await expect(deps.messages.get(acme.id)).resolves.toMatchObject({ status: 'failed' });
      expect(deps.enqueued).toEqual([]);
    });

    it('answers 401 without a key and 403 for a key without the send scope, changing nothing', async () => {
      const request = await storedMessage(deps, { status: 'failed' });
      expect(errorOf(await retry(request.id, null))).toMatchObject({
        status: 401,
        code: 'AUTH.UNAUTHORIZED',
      });
      expect(errorOf(await retry(request.id, keys.read))).toMatchObject({
        status: 403,
        code: 'AUTH.FORBIDDEN',
      });
      expect(errorOf(await retry(request.id, keys.admin))).toMatchObject({
        status: 403,
        code: 'AUTH.FORBIDDEN',
      });
      await expect(deps.messages.get(request.id)).resolves.toMatchObject({ status: 'failed' });
      expect(deps.enqueued).toEqual([]);
    });

    it('puts the mail back as it was and answers 500 without internals when the queue refuses', async () => {
      const request = await storedMessage(deps, { status: 'dropped' });
      deps.enqueue = async () => {
        throw new Error('sqs: AccessDenied arn:aws:sqs:secret');
      };
      const res = await retry(request.id);
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toMatch(/AccessDenied|arn:/);
      const stored = (await deps.messages.getWithEvents(request.id))!;
      expect(stored.message.status).toBe('dropped');
      expect(stored.events.map((e) => e.type).slice(-2)).toEqual(['retried', 'retry_failed']);
      // And it can be retried again.
      deps.enqueue = async (m) => void deps.enqueued.push(m);
      expect((await retry(request.id)).statusCode).toBe(202);
    });
  });
});
