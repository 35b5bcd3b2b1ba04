import type { Page } from 'playwright-core';
import { WIDTHS, type ConsoleWorld, type Watched } from '../support/world';

interface DomainAnswer {
  domain: string;
  status: string;
  records: { type: string; name: string; value: string }[];
}

/** A section's link in the console's navigation (a mail's subject may hold the same word). */
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });

const noSideScroll = async ({ page }: Watched) =>
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

/** Sending domains: the outbound service called cross-origin, records with Copy, verification, Delete. */
export function domainsTests(world: () => ConsoleWorld) {
  it('answers the console’s CORS preflight for /v1/domains on the outbound service', async () => {
    const w = world();
    const res = await fetch(`${w.outboundUrl}/v1/domains/example.com`, {
      method: 'OPTIONS',
      headers: {
        origin: w.apiUrl,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(['*', w.apiUrl]).toContain(res.headers.get('access-control-allow-origin'));
    expect(res.headers.get('access-control-allow-methods')?.toUpperCase()).toContain('DELETE');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('adds a domain, shows its records, copies one, sees it verified and deletes it', async () => {
    const w = world();
    const get = async (domain: string) => {
      const res = await fetch(`${w.outboundUrl}/v1/domains/${domain}`, {
        headers: { authorization: 'Bearer dev-acme-key' },
      });
      return { status: res.status, body: (await res.json()) as DomainAnswer };
    };

    for (const width of WIDTHS) {
      const domain = `console${width}-${Date.now()}.example`;
      const watched = await w.open(width);
      const { page } = watched;
      const domainCalls: string[] = [];
      page.on('request', (request) => {
        if (request.url().startsWith(`${w.outboundUrl}/v1/domains`)) domainCalls.push(request.method());
      });
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: w.apiUrl });
      await w.signIn(watched);
      await nav(page, 'Domains').click();
      await page.getByRole('heading', { name: 'Domains', level: 1 }).waitFor();

      await page.getByLabel('Domain', { exact: true }).fill(domain);
      await page.getByLabel('MAIL FROM domain (optional)').fill(`bounce.${domain}`);
      await page.getByRole('button', { name: 'Add domain' }).click();
      // The domain's page, or the error box saying why not (then the test fails with its text).
      const added = page.getByRole('heading', { name: domain, level: 1 });
      await added.or(page.getByRole('alert')).first().waitFor({ timeout: 60_000 });
      expect(await page.locator('.error').allTextContents()).toEqual([]);
      await added.waitFor();
      expect(domainCalls).toContain('POST');

      // The records are the API's, in its order: three DKIM CNAMEs, the MAIL FROM MX and SPF, DMARC.
      const answer = (await get(domain)).body;
      const rows = page.locator('table.records tbody tr');
      await rows.first().waitFor();
      const shown = await rows.evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('td')].map((td) => td.querySelector('code')?.textContent ?? td.textContent),
        ),
      );
      expect(shown).toEqual(answer.records.map((r) => [r.type, r.name, r.value]));
      expect(answer.records.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT', 'TXT']);

      // Copy: the value lands on the clipboard, and the page says so.
      const first = answer.records[0]!;
      await page.getByRole('button', { name: 'Copy value of CNAME record 1' }).click();
      await rows.first().getByRole('status').filter({ hasText: 'Copied' }).first().waitFor();
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(first.value);

      // Refused by the browser: the text is selected instead, and the page says how to copy it.
      await page.evaluate(
        "navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'))",
      );
      await page.getByRole('button', { name: 'Copy name of MX record 4' }).click();
      await rows.nth(3).getByRole('status').filter({ hasText: 'Ctrl+C' }).waitFor();
      expect(await page.evaluate('getSelection().toString()')).toBe(answer.records[3]!.name);

      // The local SES stand-in verifies a few seconds after the domain was added; the page asks again.
      await page.locator('.domain-status .badge', { hasText: 'verified' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('[data-field="dkim"]').textContent()).toBe('success');
      expect(await page.locator('[data-field="dkim"] .badge').getAttribute('class')).toContain('badge-good');
      await page.locator('[data-field="mail-from"] .badge-good', { hasText: 'success' }).waitFor();
      // Verified, the page stops asking by itself; "Check again" reads SES once more (a new checkedAt).
      const checked = page.locator('[data-field="checked"] time');
      const before = await checked.getAttribute('datetime');
      await page.getByRole('button', { name: 'Check again' }).click();
      await page.locator(`[data-field="checked"] time:not([datetime="${before}"])`).waitFor();
      await noSideScroll(watched);
      await w.shot(watched, 'domain');

      await page.locator('.crumbs').getByRole('link', { name: 'Domains' }).click();
      const row = page.locator(`table.list tbody tr[data-domain="${domain}"]`);
      await row.waitFor();
      expect(await row.locator('.badge').textContent()).toBe('verified');
      await noSideScroll(watched);
      await w.shot(watched, 'domains');

      // Delete asks first; Cancel keeps the domain, Delete removes it and the list says so.
      await row.getByRole('link', { name: domain }).click();
      await page.getByRole('heading', { name: domain, level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', { name: `Delete ${domain}?` });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect((await get(domain)).status).toBe(200);
      await page.getByRole('button', { name: 'Delete' }).click();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('heading', { name: 'Domains', level: 1 }).waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: `Deleted ${domain}` })
        .waitFor();
      expect(await page.locator(`tr[data-domain="${domain}"]`).count()).toBe(0);
      expect((await get(domain)).status).toBe(404);
      expect(domainCalls).toContain('DELETE');
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 240_000);

  it('shows the API’s reason when a domain is refused, and a 404 for an unknown one', async () => {
    const w = world();
    const watched = await w.open(360);
    const { page } = watched;
    await w.signIn(watched);
    await nav(page, 'Domains').click();
    await page.getByLabel('Domain', { exact: true }).fill('not a domain');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByRole('alert').filter({ hasText: 'REQUEST.INVALID' }).waitFor();
    await page.evaluate("location.hash = '#/domains/nothing-here.example'");
    await page.getByRole('alert').filter({ hasText: 'No sending domain nothing-here.example' }).waitFor();
    expect(watched.remote).toEqual([]);
  });

  it('tells a key without the admin scope why, and asks the outbound service nothing', async () => {
    const w = world();
    const key = await w.createKey('acme', ['read', 'send']);
    for (const width of WIDTHS) {
      const watched = await w.open(width);
      const { page } = watched;
      const domainCalls: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/v1/domains')) domainCalls.push(request.url());
      });
      await w.signIn(watched, key);
      await nav(page, 'Domains').click();
      await page.getByRole('heading', { name: 'Domains', level: 1 }).waitFor();
      expect(await page.getByRole('status').textContent()).toContain('This API key lacks the "admin" scope.');
      expect(await page.getByRole('button', { name: 'Add domain' }).count()).toBe(0);
      await page.evaluate("location.hash = '#/domains/acme.localhost'");
      await page.getByRole('heading', { name: 'acme.localhost', level: 1 }).waitFor();
      expect(await page.getByRole('status').textContent()).toContain('lacks the "admin" scope');
      expect(domainCalls).toEqual([]);
      await noSideScroll(watched);
      await w.shot(watched, 'domains-read-only');
      expect(watched.errors).toEqual([]);
    }
  });
}
