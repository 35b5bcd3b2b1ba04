import { ConflictError, NotFoundError, parseOrThrow, ValidationError } from '@mailroom/core';
import { getInbound, MAX_INLINE_BODY_BYTES } from '../src/inbound/get-inbound';
import { listInbound, ListInboundQuerySchema } from '../src/inbound/list-inbound';
import { retryInbound } from '../src/inbound/retry-inbound';
import { inboundTestDeps, storedMail, type TestInboundDeps } from './support/inbound';

/** The /v1/inbound use cases against the in-memory inbound store and a Map standing in for the bucket. */
describe('inbound use cases', () => {
  let deps: TestInboundDeps;
  beforeEach(() => {
    deps = inboundTestDeps();
  });

  const list = (tenantId: string, query: Record<string, string> = {}) =>
    listInbound(tenantId, parseOrThrow(ListInboundQuerySchema, query, 'invalid query'), deps);
  const at = (hour: number) => `2026-12-03T${String(hour).padStart(2, '0')}:00:00.000Z`;

  describe('GET /v1/inbound', () => {
    it("lists the tenant's mail newest first in the list shape, a page at a time", async () => {
      const [first, second, third] = [
        await storedMail(deps.inbound, 'acme', { receivedAt: at(8) }),
        await storedMail(deps.inbound, 'acme', { receivedAt: at(9) }),
        await storedMail(deps.inbound, 'acme', { receivedAt: at(10) }),
      ];
      await storedMail(deps.inbound, 'globex', { receivedAt: at(11) });
      await storedMail(deps.inbound, null, { receivedAt: at(12) });

      const page1 = await list('acme', { limit: '2' });
      expect(page1.items.map((m) => m.id)).toEqual([third!.id, second!.id]);
      expect(page1.items[0]).toEqual({
        id: third!.id,
        status: 'processed',
        from: 'ana@example.com',
        to: ['support@in.acme.localhost'],
        subject: 'Hello',
        receivedAt: at(10),
        route: '*@in.acme.localhost',
        attachments: [],
        verdicts: { spam: 'PASS', virus: 'PASS' },
        linkedMessageId: null,
        dsn: null,
      });
      const page2 = await list('acme', { limit: '2', cursor: page1.nextCursor! });
      expect(page2).toEqual({ items: [expect.objectContaining({ id: first!.id })], nextCursor: null });
      await expect(list('initech')).resolves.toEqual({ items: [], nextCursor: null });
    });

    it('filters by status, envelope recipient (any case) and arrival, bounds included', async () => {
      const failed = await storedMail(deps.inbound, 'acme', { receivedAt: at(8), status: 'failed' });
      const sales = await storedMail(deps.inbound, 'acme', {
        receivedAt: at(9),
        recipients: ['sales@in.acme.localhost'],
      });
      const late = await storedMail(deps.inbound, 'acme', { receivedAt: at(10) });
      const ids = async (query: Record<string, string>) => (await list('acme', query)).items.map((m) => m.id);

      expect(await ids({ status: 'failed' })).toEqual([failed.id]);
      expect(await ids({ recipient: ' Sales@IN.acme.localhost ' })).toEqual([sales.id]);
      expect(await ids({ since: at(9), until: '2026-12-03T11:00:00+01:00' })).toEqual([late.id, sales.id]);
      expect(await ids({ until: '2026-12-03T08:00:00Z' })).toEqual([failed.id]);
      expect(await ids({ since: '2026-12-04' })).toEqual([]);
    });

    it('binds the cursor to the filters: the next page of another query is a 400', async () => {
      for (const hour of [8, 9, 10])
        await storedMail(deps.inbound, 'acme', { receivedAt: at(hour), status: 'failed' });
      const { nextCursor } = await list('acme', { status: 'failed', limit: '1' });
      await expect(
        list('acme', { status: 'failed', limit: '5', cursor: nextCursor! }),
      ).resolves.toMatchObject({
        items: [{}, {}],
      });
      await expect(list('acme', { status: 'processed', cursor: nextCursor! })).rejects.toThrow(
        /different query/,
      );
      await expect(list('acme', { cursor: nextCursor! })).rejects.toThrow(/different query/);
      await expect(list('globex', { status: 'failed', cursor: nextCursor! })).rejects.toThrow(
        /another tenant/,
      );
    });

    it.each([
      [{ status: 'lost' }, 'status'],
      [{ recipient: 'not-an-address' }, 'recipient'],
      [{ since: 'yesterday' }, 'since'],
      [{ since: '2026-12-03T10:00:00' }, 'since'],
      [{ until: '2026-02-31T10:00:00Z' }, 'until'],
      [{ limit: '500' }, 'limit'],
      [{ cursor: 'forged' }, 'cursor'],
      [{ since: '2026-12-03T10:00:00Z', until: '2026-12-03T09:00:00Z' }, 'until'],
    ])('refuses %j with a 400 naming %s', async (query, path) => {
      const err = await Promise.resolve()
        .then(() => list('acme', query))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details?.map((d) => d.path)).toEqual([path]);
    });
  });

  describe('GET /v1/inbound/{id}', () => {
    it('answers the contract shape with bodies from the parsed JSON and download URLs', async () => {
      const mail = await storedMail(deps.inbound, 'acme', {
        attachments: [
          { filename: '請求書.pdf', contentType: 'application/pdf', size: 4821, key: 'parsed/x/0' },
        ],
        linkedMessageId: '01KBJ00000000000000000000A',
        dsn: {
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: '550 5.1.1 no such user',
          finalRecipient: 'bob@example.com',
          originalMessageId: '<m1@acme.example>',
        },
      });
      deps.parsed.objects.set(mail.parsedKey!, { text: 'Hi', html: '<p>Hi</p>' });
      const answer = await getInbound('acme', mail.id, deps);
      expect(answer).toEqual({
        id: mail.id,
        status: 'processed',
        from: 'ana@example.com',
        to: ['support@in.acme.localhost'],
        subject: 'Hello',
        receivedAt: mail.receivedAt,
        route: '*@in.acme.localhost',
        text: 'Hi',
        html: '<p>Hi</p>',
        bodiesUrl: null,
        attachments: [
          {
            filename: '請求書.pdf',
            contentType: 'application/pdf',
            size: 4821,
            url: expect.stringMatching(/^https:\/\/receipts\.test\/parsed\/x\/0\?.*expires=300/),
          },
        ],
        verdicts: { spam: 'PASS', virus: 'PASS' },
        linkedMessageId: '01KBJ00000000000000000000A',
        dsn: expect.objectContaining({ status: '5.1.1' }),
      });
      expect(Object.keys(answer)).toEqual([
        'id',
        'status',
        'from',
        'to',
        'subject',
        'receivedAt',
        'route',
        'text',
        'html',
        'bodiesUrl',
        'attachments',
        'verdicts',
        'linkedMessageId',
        'dsn',
      ]);
    });

    it('answers bodies too large for a Lambda answer as a download URL of the parsed JSON instead', async () => {
      const mail = await storedMail(deps.inbound, 'acme');
      const html = `<img src="data:image/png;base64,${'A'.repeat(MAX_INLINE_BODY_BYTES)}">`;
      deps.parsed.objects.set(mail.parsedKey!, { text: 'Hi', html });
      await expect(getInbound('acme', mail.id, deps)).resolves.toMatchObject({
        text: null,
        html: null,
        bodiesUrl: expect.stringMatching(
          /^https:\/\/receipts\.test\/parsed\/.*\/message\.json\?name=message\.json/,
        ),
      });
      deps.parsed.objects.set(mail.parsedKey!, {
        text: 'Hi',
        html: html.slice(0, MAX_INLINE_BODY_BYTES - 100),
      });
      await expect(getInbound('acme', mail.id, deps)).resolves.toMatchObject({ text: 'Hi', bodiesUrl: null });
    });

    it('answers null bodies for mail not parsed, or whose parsed object is gone', async () => {
      const unparsed = await storedMail(deps.inbound, 'acme', { status: 'failed', parsedKey: null });
      await expect(getInbound('acme', unparsed.id, deps)).resolves.toMatchObject({ text: null, html: null });
      const gone = await storedMail(deps.inbound, 'acme');
      await expect(getInbound('acme', gone.id, deps)).resolves.toMatchObject({ text: null, html: null });
    });

    it("answers 404 for another tenant's mail and unrouted mail exactly as for an absent id", async () => {
      const globex = await storedMail(deps.inbound, 'globex');
      const unrouted = await storedMail(deps.inbound, null);
      for (const id of [globex.id, unrouted.id, '01KBJ0000000000000000000ZZ']) {
        await expect(getInbound('acme', id, deps)).rejects.toBeInstanceOf(NotFoundError);
      }
    });
  });

  describe('POST /v1/inbound/{id}/retry', () => {
    const order = (id: string) => ({ type: 'mailroom.inbound.retry', id });

    it('moves failed mail back to received and puts a retry order on the inbound queue', async () => {
      const mail = await storedMail(deps.inbound, 'acme', {
        status: 'failed',
        reason: 'webhook answered 503',
      });
      await expect(retryInbound('acme', mail.id, deps)).resolves.toEqual({ id: mail.id, status: 'received' });
      expect(deps.requeued).toEqual([order(mail.id)]);
      await expect(deps.inbound.load(mail.id)).resolves.toMatchObject({ status: 'received' });
    });

    it('lets one of two concurrent retries win; the other is a 409', async () => {
      const mail = await storedMail(deps.inbound, 'acme', { status: 'failed' });
      const results = await Promise.allSettled([
        retryInbound('acme', mail.id, deps),
        retryInbound('acme', mail.id, deps),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(results.find((r) => r.status === 'rejected')).toMatchObject({
        reason: expect.any(ConflictError),
      });
      expect(deps.requeued).toEqual([order(mail.id)]);
    });

    it.each(['received', 'processed', 'rejected'] as const)(
      'answers 409 for %s mail and queues nothing',
      async (status) => {
        const mail = await storedMail(deps.inbound, 'acme', { status });
        await expect(retryInbound('acme', mail.id, deps)).rejects.toBeInstanceOf(ConflictError);
        expect(deps.requeued).toEqual([]);
      },
    );

    it("answers 404 for another tenant's or unrouted mail and queues nothing", async () => {
      const globex = await storedMail(deps.inbound, 'globex', { status: 'failed' });
      const unrouted = await storedMail(deps.inbound, null);
      for (const id of [globex.id, unrouted.id]) {
        await expect(retryInbound('acme', id, deps)).rejects.toBeInstanceOf(NotFoundError);
      }
      expect(deps.requeued).toEqual([]);
    });

    it('leaves the mail failed, to be retried again, when the queue refuses the order', async () => {
      const mail = await storedMail(deps.inbound, 'acme', { status: 'failed' });
      deps.requeue = async () => {
        throw new Error('SQS unavailable');
      };
      await expect(retryInbound('acme', mail.id, deps)).rejects.toThrow('SQS unavailable');
      await expect(deps.inbound.load(mail.id)).resolves.toMatchObject({ status: 'failed' });
    });
  });
});
