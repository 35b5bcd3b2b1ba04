import {
  newId,
  SenderDomainNotVerifiedError,
  type DomainRecord,
  type SendMailRequest,
  type SendQueueMessage,
} from '@mailroom/core';
import { InMemoryDedupeLock, InMemoryDomainStore, InMemoryMessageStore } from '@mailroom/core/testing';
import { acceptMessage, type AcceptDeps } from '../../src/accept-message';
import { senderDomainCheck } from '../../src/domains/sender-check';
import type { MailProvider, OutgoingMail } from '../../src/providers/port';
import { sendMessage, type SendDeps } from '../../src/send-message';
import { twins } from '../support/twins';

/** A fresh in-memory domain store with these domains held and in these states. */
async function domainsWith(held: Array<[tenantId: string, domain: string, status: DomainRecord['status']]>) {
  const store = new InMemoryDomainStore();
  for (const [tenantId, domain, status] of held) {
    await store.claim(tenantId, domain);
    await store.update(tenantId, domain, { status });
  }
  return store;
}

const refusedWith = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SenderDomainNotVerifiedError);
  return error as SenderDomainNotVerifiedError;
};

describe('sender domain check', () => {
  it('passes a verified domain and its subdomains, and nothing that merely ends in its name', async () => {
    const check = senderDomainCheck({ domains: await domainsWith([['acme', 'acme.example', 'verified']]) });
    await expect(check('acme', 'shop@acme.example')).resolves.toBeUndefined();
    await expect(check('acme', { email: 'Shop@Mail.ACME.example', name: 'Shop' })).resolves.toBeUndefined();
    await expect(check('acme', 'a@deep.mail.acme.example')).resolves.toBeUndefined();
    await refusedWith(check('acme', 'shop@evilacme.example'));
    await refusedWith(check('acme', 'shop@example'));
  });

  it("refuses another tenant's verified domain, without saying who holds it", async () => {
    const check = senderDomainCheck({
      domains: await domainsWith([['globex', 'globex.example', 'verified']]),
    });
    const error = await refusedWith(check('acme', 'billing@globex.example'));
    expect(error).toMatchObject({ code: 'SENDER.DOMAIN_NOT_VERIFIED', httpStatus: 403, retryable: false });
    expect(error.message).not.toMatch(/globex\b(?!\.example)/);
    expect(error.details).toEqual([{ path: 'from', message: expect.stringContaining('globex.example') }]);
  });

  it('refuses a pending or failed domain and says what to do', async () => {
    const check = senderDomainCheck({
      domains: await domainsWith([
        ['acme', 'pending.test', 'pending'],
        ['acme', 'failed.test', 'failed'],
      ]),
    });
    expect((await refusedWith(check('acme', 'a@pending.test'))).message).toMatch(/publish its DNS records/);
    expect((await refusedWith(check('acme', 'a@failed.test'))).message).toMatch(/failed/);
  });

  it('is covered by a verified parent even when the subdomain itself is pending', async () => {
    const check = senderDomainCheck({
      domains: await domainsWith([
        ['acme', 'acme.example', 'verified'],
        ['acme', 'mail.acme.example', 'pending'],
      ]),
    });
    await expect(check('acme', 'a@mail.acme.example')).resolves.toBeUndefined();
  });

  it('keeps a verified answer for a while, and reads every refusal again', async () => {
    const store = await domainsWith([['acme', 'acme.example', 'verified']]);
    const lookup = jest.spyOn(store, 'lookup');
    let clock = 0;
    const check = senderDomainCheck({ domains: store, cacheMs: 60_000, now: () => clock });
    await check('acme', 'a@acme.example');
    await check('acme', 'b@acme.example');
    expect(lookup).toHaveBeenCalledTimes(1);
    clock += 60_000;
    await check('acme', 'a@acme.example');
    expect(lookup).toHaveBeenCalledTimes(2);

    // Not verified yet: every attempt looks again, so verification counts the moment it is recorded.
    await store.claim('acme', 'new.test');
    await refusedWith(check('acme', 'a@new.test'));
    await store.update('acme', 'new.test', { status: 'verified' });
    await expect(check('acme', 'a@new.test')).resolves.toBeUndefined();
  });

  it('reads a pending domain again from SES before refusing, at most once per refresh interval', async () => {
    const store = await domainsWith([['acme', 'acme.test', 'pending']]);
    let clock = Date.parse('2026-12-01T10:00:00Z');
    let sesSays: DomainRecord['status'] = 'pending';
    const refreshed: string[] = [];
    const check = senderDomainCheck({
      domains: store,
      now: () => clock,
      refresh: {
        afterMs: 30_000,
        domain: async (record) => {
          refreshed.push(record.domain);
          const fields = { status: sesSays, checkedAt: new Date(clock).toISOString() };
          return (await store.update(record.tenantId, record.domain, fields))!;
        },
      },
    });
    await refusedWith(check('acme', 'a@acme.test'));
    await refusedWith(check('acme', 'a@acme.test')); // checked a moment ago: not asked again
    expect(refreshed).toEqual(['acme.test']);
    sesSays = 'verified';
    clock += 30_000;
    await expect(check('acme', 'a@acme.test')).resolves.toBeUndefined();
    expect(refreshed).toEqual(['acme.test', 'acme.test']);
  });
});

describe('POST /v1/messages from an unverified domain', () => {
  const request = (overrides: Partial<SendMailRequest> = {}): SendMailRequest => ({
    from: 'billing@globex.example',
    to: ['ana@example.com'],
    subject: 'Invoice',
    text: 'Hello',
    ...overrides,
  });

  it.each([
    ['SES (the default)', {}],
    ['SendGrid', { provider: 'sendgrid' as const }],
  ])('is refused with 403 and nothing recorded or queued — %s', async (_provider, overrides) => {
    const messages = new InMemoryMessageStore();
    const create = jest.spyOn(messages, 'create');
    const enqueued: SendQueueMessage[] = [];
    const deps: AcceptDeps = {
      messages,
      checkSender: senderDomainCheck({
        domains: await domainsWith([['globex', 'globex.example', 'verified']]),
      }),
      attachmentSize: async () => undefined,
      tenantProvider: async () => undefined,
      defaultProvider: 'ses',
      enqueue: async (m) => void enqueued.push(m),
      storeRequest: async () => undefined,
    };
    await refusedWith(acceptMessage({ tenantId: 'acme', request: request(overrides) }, deps));
    expect(create).not.toHaveBeenCalled();
    expect(enqueued).toEqual([]);

    // The holder may send from it.
    await expect(
      acceptMessage({ tenantId: 'globex', request: request(overrides) }, deps),
    ).resolves.toMatchObject({ status: 'queued' });
    expect(enqueued).toHaveLength(1);
  });
});

describe('send side: a queue record from an unverified domain', () => {
  let sent: OutgoingMail[];
  let deps: SendDeps;
  let lock: InMemoryDedupeLock;

  beforeEach(async () => {
    sent = [];
    const provider = (name: 'ses' | 'sendgrid'): MailProvider => ({
      name,
      send: async (mail) => {
        sent.push(mail);
        return { providerMessageId: `${name}-${sent.length}` };
      },
    });
    const t = twins();
    lock = t.lock;
    deps = {
      ...t.deps,
      providers: { ses: provider('ses'), sendgrid: provider('sendgrid') },
      checkSender: senderDomainCheck({ domains: await domainsWith([['acme', 'acme.example', 'verified']]) }),
    };
  });

  const record = (message: SendQueueMessage) => ({
    body: JSON.stringify(message),
    receiptHandle: `h-${message.id}`,
    receiveCount: 1,
  });
  const queued = (overrides: Partial<SendQueueMessage> = {}): SendQueueMessage => ({
    version: 1,
    id: newId(),
    tenantId: 'acme',
    from: 'billing@globex.example',
    to: ['ana@example.com'],
    subject: 'Invoice',
    text: 'Hello',
    ...overrides,
  });

  it.each([
    ['SES', {}],
    ['SendGrid', { provider: 'sendgrid' as const }],
  ])(
    'is recorded rejected with SENDER.DOMAIN_NOT_VERIFIED and consumed, never sent — %s',
    async (_p, overrides) => {
      const message = queued(overrides);
      await expect(sendMessage(record(message), deps)).resolves.toBe('rejected');
      expect(sent).toEqual([]);
      const stored = await deps.messages.getWithEvents(message.id);
      expect(stored?.message).toMatchObject({
        status: 'rejected',
        lastError: expect.stringMatching(/^SENDER\.DOMAIN_NOT_VERIFIED: /),
      });
      expect(stored?.events.map((e) => e.type)).toEqual(['queued', 'rejected']);
      expect(stored?.events[1]?.data).toMatchObject({ code: 'SENDER.DOMAIN_NOT_VERIFIED' });
      // A final verdict completes the lock with it: a duplicate delivery is consumed, not judged again.
      const again = await lock.acquire({ tenantId: 'acme', idempotencyKey: message.id }, { leaseMs: 1000 });
      expect(again).toMatchObject({ state: 'completed', result: { outcome: 'rejected' } });
      await expect(sendMessage(record(message), deps)).resolves.toBe('duplicate');
    },
  );

  it('sends a record from a verified domain', async () => {
    const message = queued({ from: { email: 'shop@mail.acme.example', name: 'Shop' } });
    await expect(sendMessage(record(message), deps)).resolves.toBe('sent');
    expect(sent.map((m) => m.from.email)).toEqual(['shop@mail.acme.example']);
  });

  it('consumes a redelivery of mail already sent without judging its sender again', async () => {
    const message = queued({ from: 'shop@acme.example' });
    await sendMessage(record(message), deps);
    deps.checkSender = async () => {
      throw new SenderDomainNotVerifiedError('acme.example was deleted meanwhile');
    };
    await expect(sendMessage(record(message), deps)).resolves.toBe('duplicate');
    await expect(deps.messages.get(message.id)).resolves.toMatchObject({ status: 'sent' });
  });

  it('gives the lock back and lets the record come back when the check itself fails', async () => {
    const message = queued({ from: 'shop@acme.example' });
    deps.checkSender = async () => {
      throw new Error('DynamoDB unavailable');
    };
    await expect(sendMessage(record(message), deps)).rejects.toThrow('DynamoDB unavailable');
    expect(sent).toEqual([]);
    const again = await lock.acquire({ tenantId: 'acme', idempotencyKey: message.id }, { leaseMs: 1000 });
    expect(again.state).toBe('acquired');
  });
});
