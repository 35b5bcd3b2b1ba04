import { ConflictError, Cursors, NotFoundError, parseOrThrow, ValidationError } from '@mailroom/core';
import { InMemoryDomainStore } from '@mailroom/core/testing';
import { addDomain, AddDomainRequestSchema } from '../../src/domains/add-domain';
import { deleteDomain } from '../../src/domains/delete-domain';
import type { ListDomainDeps } from '../../src/domains/deps';
import { getDomain } from '../../src/domains/get-domain';
import { listDomains, ListDomainsQuerySchema } from '../../src/domains/list-domains';
import { InMemorySesIdentities } from '../support/memory-identities';

/** The /v1/domains use cases against in-memory twins of the domain store and SES's identities. */
describe('sending domain use cases', () => {
  let deps: ListDomainDeps & { domains: InMemoryDomainStore; identities: InMemorySesIdentities };
  let clock: number;
  let warnings: unknown[];

  beforeEach(() => {
    clock = Date.parse('2026-12-01T10:00:00Z');
    warnings = [];
    const now = () => new Date(clock);
    deps = {
      domains: new InMemoryDomainStore(now),
      identities: new InMemorySesIdentities(),
      region: 'eu-west-1',
      stage: 'prod',
      refreshAfterMs: 60_000,
      cursors: new Cursors(async () => 'a-test-cursor-key-of-32-characters'),
      logger: { warn: (...args: unknown[]) => void warnings.push(args) },
      now,
    };
  });

  const add = (tenantId: string, body: unknown) =>
    addDomain(tenantId, parseOrThrow(AddDomainRequestSchema, body), deps);
  const list = (tenantId: string, query: Record<string, string> = {}) =>
    listDomains(tenantId, parseOrThrow(ListDomainsQuerySchema, query), deps);

  describe('POST /v1/domains', () => {
    it('claims the domain, creates its SES identity tagged with stage and tenant, and answers pending with its DNS records', async () => {
      const view = await add('acme', { domain: 'Mail.Acme.Example.', mailFrom: 'bounce.mail.acme.example' });
      expect(view).toEqual({
        domain: 'mail.acme.example',
        status: 'pending',
        dkimStatus: 'pending',
        mailFrom: 'bounce.mail.acme.example',
        mailFromStatus: 'pending',
        createdAt: '2026-12-01T10:00:00.000Z',
        checkedAt: '2026-12-01T10:00:00.000Z',
        records: [
          { type: 'CNAME', name: 'tok1a._domainkey.mail.acme.example', value: 'tok1a.dkim.amazonses.com' },
          { type: 'CNAME', name: 'tok1b._domainkey.mail.acme.example', value: 'tok1b.dkim.amazonses.com' },
          { type: 'CNAME', name: 'tok1c._domainkey.mail.acme.example', value: 'tok1c.dkim.amazonses.com' },
          { type: 'MX', name: 'bounce.mail.acme.example', value: '10 feedback-smtp.eu-west-1.amazonses.com' },
          { type: 'TXT', name: 'bounce.mail.acme.example', value: 'v=spf1 include:amazonses.com ~all' },
          { type: 'TXT', name: '_dmarc.mail.acme.example', value: 'v=DMARC1; p=none;' },
        ],
      });
      expect(deps.identities.identities.get('mail.acme.example')).toMatchObject({
        mailFrom: 'bounce.mail.acme.example',
        tags: { 'mailroom:stage': 'prod', 'mailroom:tenant': 'acme' },
      });
      await expect(deps.domains.get('acme', 'mail.acme.example')).resolves.toMatchObject({
        status: 'pending',
        dkimTokens: ['tok1a', 'tok1b', 'tok1c'],
      });
    });

    it('answers the DKIM CNAMEs and the DMARC record only when no MAIL FROM domain is asked for', async () => {
      const view = await add('acme', { domain: 'acme.test' });
      expect(view.records.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'CNAME', 'TXT']);
      expect(view.mailFrom).toBeNull();
    });

    it("refuses another tenant's domain with a 409 and leaves the holder's claim and identity alone", async () => {
      await add('acme', { domain: 'acme.test' });
      await expect(add('globex', { domain: 'ACME.test' })).rejects.toBeInstanceOf(ConflictError);
      await expect(deps.domains.get('acme', 'acme.test')).resolves.toMatchObject({ tenantId: 'acme' });
      expect(deps.identities.identities.get('acme.test')?.tags['mailroom:tenant']).toBe('acme');
    });

    it("refuses a subdomain of another tenant's domain (SES would count it verified through the parent)", async () => {
      await add('acme', { domain: 'acme.test' });
      await expect(add('globex', { domain: 'mail.acme.test' })).rejects.toBeInstanceOf(ConflictError);
      await expect(deps.domains.lookup(['mail.acme.test'])).resolves.toEqual([]);
      // Its own subdomains are fine, and a look-alike is not a subdomain.
      await expect(add('acme', { domain: 'mail.acme.test' })).resolves.toMatchObject({ status: 'pending' });
      await expect(add('globex', { domain: 'evilacme.test' })).resolves.toMatchObject({ status: 'pending' });
    });

    it('refuses a MAIL FROM domain outside the domain', async () => {
      for (const mailFrom of ['bounce.other.test', 'acme.test']) {
        await expect(add('acme', { domain: 'acme.test', mailFrom })).rejects.toBeInstanceOf(ValidationError);
      }
      await expect(deps.domains.lookup(['acme.test'])).resolves.toEqual([]);
    });

    it('refuses malformed domains and unknown fields with a 400', () => {
      for (const body of [
        { domain: 'localhost' },
        { domain: 'a..b.test' },
        { domain: 'x.test', dkim: 'byo' },
        {},
      ]) {
        expect(() => parseOrThrow(AddDomainRequestSchema, body)).toThrow(ValidationError);
      }
    });

    it('is safe to repeat: the same tenant gets its domain back, and a request that died half-way is finished', async () => {
      const first = await add('acme', { domain: 'acme.test' });
      const again = await add('acme', { domain: 'acme.test' });
      expect(again.records).toEqual(first.records);
      expect(deps.identities.identities.size).toBe(1);

      // A claim whose request died before SES was asked.
      await deps.domains.claim('acme', 'half.test');
      const finished = await add('acme', { domain: 'half.test', mailFrom: 'mf.half.test' });
      expect(finished.records).toHaveLength(6);
      expect(deps.identities.identities.get('half.test')?.mailFrom).toBe('mf.half.test');
    });

    it('takes over an existing SES identity only when its tags say this stage and tenant made it', async () => {
      await deps.identities.create('ops.test', {}); // made outside Mailroom, maybe verified already
      deps.identities.set('ops.test', 'verified');
      await expect(add('acme', { domain: 'ops.test' })).rejects.toBeInstanceOf(ConflictError);
      await expect(deps.domains.lookup(['ops.test'])).resolves.toEqual([]); // the claim was given back

      await deps.identities.create('staging.test', {
        'mailroom:stage': 'staging',
        'mailroom:tenant': 'acme',
      });
      await expect(add('acme', { domain: 'staging.test' })).rejects.toBeInstanceOf(ConflictError);

      await deps.identities.create('mine.test', { 'mailroom:stage': 'prod', 'mailroom:tenant': 'acme' });
      await expect(add('acme', { domain: 'mine.test' })).resolves.toMatchObject({ domain: 'mine.test' });
    });

    it('gives the claim back when SES fails, so the next attempt starts clean', async () => {
      deps.identities.failNext('create');
      await expect(add('acme', { domain: 'acme.test' })).rejects.toThrow('SES is down');
      await expect(deps.domains.lookup(['acme.test'])).resolves.toEqual([]);
      await expect(add('globex', { domain: 'acme.test' })).resolves.toMatchObject({ status: 'pending' });
    });
  });

  describe('GET /v1/domains/{domain}', () => {
    it('reads the status from SES: pending, then verified once SES has verified the records', async () => {
      await add('acme', { domain: 'acme.test' });
      await expect(getDomain('acme', 'acme.test', deps)).resolves.toMatchObject({ status: 'pending' });
      deps.identities.set('acme.test', 'verified');
      clock += 1_000;
      await expect(getDomain('acme', 'acme.test', deps)).resolves.toMatchObject({
        status: 'verified',
        dkimStatus: 'success',
        checkedAt: '2026-12-01T10:00:01.000Z',
      });
      await expect(deps.domains.get('acme', 'acme.test')).resolves.toMatchObject({ status: 'verified' });
    });

    it('shows a failed verification, and an identity gone from SES, as failed', async () => {
      await add('acme', { domain: 'acme.test' });
      await add('acme', { domain: 'gone.test' });
      deps.identities.set('acme.test', 'failed');
      await deps.identities.remove('gone.test');
      await expect(getDomain('acme', 'acme.test', deps)).resolves.toMatchObject({ status: 'failed' });
      await expect(getDomain('acme', 'gone.test', deps)).resolves.toMatchObject({ status: 'failed' });
    });

    it('answers the stored status when SES cannot be read, and logs it', async () => {
      await add('acme', { domain: 'acme.test' });
      deps.identities.failNext('get');
      await expect(getDomain('acme', 'acme.test', deps)).resolves.toMatchObject({ status: 'pending' });
      expect(warnings).toHaveLength(1);
    });

    it("answers 404 for another tenant's domain exactly as for an absent one, without asking SES", async () => {
      await add('acme', { domain: 'acme.test' });
      const calls = deps.identities.calls.length;
      await expect(getDomain('globex', 'acme.test', deps)).rejects.toBeInstanceOf(NotFoundError);
      await expect(getDomain('globex', 'absent.test', deps)).rejects.toBeInstanceOf(NotFoundError);
      expect(deps.identities.calls).toHaveLength(calls);
    });
  });

  describe('GET /v1/domains', () => {
    it("lists the tenant's domains in name order, a page at a time, with an opaque cursor", async () => {
      for (const domain of ['c.test', 'a.test', 'b.test']) await add('acme', { domain });
      await add('globex', { domain: 'g.test' });
      const first = await list('acme', { limit: '2' });
      expect(first.items.map((d) => d.domain)).toEqual(['a.test', 'b.test']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await list('acme', { limit: '2', cursor: first.nextCursor! });
      expect(second).toEqual({ items: [expect.objectContaining({ domain: 'c.test' })], nextCursor: null });
      await expect(list('acme')).resolves.toMatchObject({ nextCursor: null });
      await expect(list('initech')).resolves.toEqual({ items: [], nextCursor: null });
    });

    it('refuses a bad limit or cursor with a 400', async () => {
      for (const query of [{ limit: '0' }, { limit: '101' }, { limit: 'x' }, { page: '2' }]) {
        expect(() => parseOrThrow(ListDomainsQuerySchema, query)).toThrow(ValidationError);
      }
      await expect(list('acme', { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(ValidationError);
    });

    it("refuses another tenant's cursor, and a cursor of another listing, with a 400", async () => {
      for (const domain of ['a.test', 'b.test']) await add('acme', { domain });
      for (const domain of ['c.test', 'd.test']) await add('globex', { domain });
      const acme = (await list('acme', { limit: '1' })).nextCursor!;
      await expect(list('globex', { limit: '1', cursor: acme })).rejects.toThrow(/another tenant/);
      const other = await deps.cursors.next(
        { list: 'GET /v1/inbound', tenantId: 'acme', filters: {} },
        'a.test',
      );
      await expect(list('acme', { cursor: other! })).rejects.toThrow(/different query/);
    });

    it('reads pending domains again from SES once their status is older than refreshAfterMs', async () => {
      await add('acme', { domain: 'acme.test' });
      deps.identities.set('acme.test', 'verified');
      clock += 59_000;
      await expect(list('acme')).resolves.toMatchObject({ items: [{ status: 'pending' }] });
      clock += 1_000;
      await expect(list('acme')).resolves.toMatchObject({ items: [{ status: 'verified' }] });
      const gets = deps.identities.calls.filter((c) => c.startsWith('get')).length;
      clock += 3_600_000;
      await list('acme'); // verified: SES is not asked again
      expect(deps.identities.calls.filter((c) => c.startsWith('get'))).toHaveLength(gets);
    });
  });

  describe('DELETE /v1/domains/{domain}', () => {
    it('deletes the SES identity and the claim, after which another tenant may claim the domain', async () => {
      await add('acme', { domain: 'acme.test' });
      await deleteDomain('acme', 'acme.test', deps);
      expect(deps.identities.identities.has('acme.test')).toBe(false);
      await expect(getDomain('acme', 'acme.test', deps)).rejects.toBeInstanceOf(NotFoundError);
      await expect(add('globex', { domain: 'acme.test' })).resolves.toMatchObject({ status: 'pending' });
    });

    it("answers 404 for another tenant's domain and deletes nothing", async () => {
      await add('acme', { domain: 'acme.test' });
      await expect(deleteDomain('globex', 'acme.test', deps)).rejects.toBeInstanceOf(NotFoundError);
      await expect(deleteDomain('globex', 'absent.test', deps)).rejects.toBeInstanceOf(NotFoundError);
      expect(deps.identities.identities.has('acme.test')).toBe(true);
      await expect(deps.domains.get('acme', 'acme.test')).resolves.not.toBeNull();
    });

    it('leaves an SES identity Mailroom did not make for the tenant in place', async () => {
      await deps.identities.create('ops.test', {});
      await deps.domains.claim('acme', 'ops.test'); // a claim whose request died before it was refused
      await deleteDomain('acme', 'ops.test', deps);
      expect(deps.identities.identities.has('ops.test')).toBe(true);
      await expect(deps.domains.lookup(['ops.test'])).resolves.toEqual([]);
    });

    it('keeps the claim when SES fails, so a retry finishes the deletion', async () => {
      await add('acme', { domain: 'acme.test' });
      deps.identities.failNext('remove');
      await expect(deleteDomain('acme', 'acme.test', deps)).rejects.toThrow('SES is down');
      await expect(deps.domains.get('acme', 'acme.test')).resolves.not.toBeNull();
      await deleteDomain('acme', 'acme.test', deps);
      await expect(deps.domains.get('acme', 'acme.test')).resolves.toBeNull();
    });
  });
});
