import { WIDTHS, type ConsoleWorld, type Watched, type Width } from '../support/world';

/**
 * Retrying failed mail: one from its message page, several at once from the failed mail page. The mail
 * fails for real: with every SES call answered 5xx, each mail uses up its queue's ten receives and ends
 * `failed` (the world's cloud backs off 0.2–1 s between them), and nothing goes out.
 */
export function retryTests(world: () => ConsoleWorld) {
  const tag = Date.now().toString(36);
  const subjects = (width: Width) => ({
    single: `再送テスト ${tag} ${width} 単体`,
    bulk: [1, 2, 3].map((n) => `再送テスト ${tag} ${width} 一括 ${n}`),
  });
  /** Subject → id of every mail this module failed. */
  const ids = new Map<string, string>();
  const idOf = (subject: string) => {
    const id = ids.get(subject);
    if (!id) throw new Error(`no mail "${subject}"`);
    return id;
  };

  beforeAll(async () => {
    const w = world();
    const all = WIDTHS.flatMap((width) => [subjects(width).single, ...subjects(width).bulk]);
    w.cloud.setFaults('ses.5xx=1');
    try {
      for (const subject of all) {
        ids.set(
          subject,
          await w.send({
            from: { email: 'app@acme.localhost', name: '山田商店' },
            to: ['retry@example.com'],
            subject,
            text: 'もう一度',
          }),
        );
      }
      await settleAll(
        all.map((subject) => idOf(subject)),
        ['failed'],
        240_000,
      );
      // Failed while SES refused everything: not one copy went out.
      expect(await Promise.all(all.map((subject) => w.copiesSent(subject)))).toEqual(all.map(() => 0));
    } finally {
      w.cloud.setFaults('');
    }
  }, 300_000);
  afterAll(() => world()?.cloud.setFaults(''));

  /**
   * Reads each mail until all are in one of `statuses`, one request at a time and once a second: the
   * local API runs every request in a worker of its own, and eight mails polled four times a second
   * each crowd out the mail's own functions on a loaded machine. An answer without a status (the API
   * overloaded) is read again.
   */
  const settleAll = async (idList: string[], statuses: string[], boundMs: number) => {
    const deadline = Date.now() + boundMs;
    const last = new Map<string, string>();
    for (;;) {
      for (const id of idList.filter((id) => !statuses.includes(last.get(id) ?? ''))) {
        const res = await fetch(`${world().apiUrl}/v1/messages/${id}`, {
          headers: { authorization: 'Bearer dev-acme-key' },
        });
        const text = await res.text();
        const status = res.ok ? (JSON.parse(text) as { status?: string }).status : undefined;
        last.set(id, status ?? `HTTP ${res.status} ${text.slice(0, 200)}`);
      }
      const open = idList.filter((id) => !statuses.includes(last.get(id) ?? ''));
      if (open.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `not ${statuses.join('|')} after ${boundMs} ms: ${open.map((id) => `${id} ${last.get(id)}`).join('; ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const show = async ({ page }: Watched, hash: string) => {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  };
  /** Chromium logs every 4xx answer as a console error; a 409 the test asked for is not a fault. */
  const unexpected = (errors: string[]) => errors.filter((e) => !/status of 409/.test(e));
  const apiRetry = async (id: string) =>
    fetch(`${world().apiUrl}/v1/messages/${id}/retry`, {
      method: 'POST',
      headers: { authorization: 'Bearer dev-acme-key' },
    });

  it('shows a key without the send scope why it cannot retry, and still lets it select', async () => {
    const w = world();
    const readOnly = await w.createKey('acme', ['read']);
    for (const width of WIDTHS) {
      const watched = await w.open(width);
      const { page } = watched;
      await w.signIn(watched, readOnly);
      const { single, bulk } = subjects(width);

      await show(watched, `#/messages/${idOf(single)}`);
      await page.getByRole('heading', { name: single, level: 1 }).waitFor();
      expect(await page.getByRole('button', { name: 'Retry', exact: true }).isDisabled()).toBe(true);
      const why = page.locator('#retry-why');
      expect(await why.textContent()).toContain('This API key lacks the "send" scope.');
      expect(
        await page.getByRole('button', { name: 'Retry', exact: true }).getAttribute('aria-describedby'),
      ).toBe('retry-why');

      await page.getByRole('link', { name: 'Failed mail' }).click();
      await page.getByRole('heading', { name: 'Failed mail', level: 1 }).waitFor();
      for (const subject of bulk) await page.locator(`tr[data-id="${idOf(subject)}"]`).waitFor();
      await page.getByLabel(/^Select all \d+ (shown|not yet retried)$/).check();
      const boxes = page.locator('table.list tbody input[type=checkbox]');
      const rows = await boxes.count();
      expect(rows).toBeGreaterThanOrEqual(bulk.length);
      expect(
        await boxes.evaluateAll(
          (all) => all.filter((b) => (b as unknown as { checked: boolean }).checked).length,
        ),
      ).toBe(rows);
      await page.getByText(`${rows} selected`).waitFor();
      expect(await page.getByRole('button', { name: 'Retry selected' }).isDisabled()).toBe(true);
      expect(await page.locator('#bulk-why').textContent()).toContain('This API key lacks the "send" scope.');
      await w.shot(watched, 'failed-read-only');

      // Dropped (and deferred) mail can be retried too: one status at a time, as the API lists them.
      await page.getByLabel('Status').selectOption('dropped');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/status=dropped/);
      await page.locator(`tr[data-id="${idOf(bulk[0]!)}"]`).waitFor({ state: 'detached' });
      const badges = await page.locator('table.list tbody .badge').allTextContents();
      expect(badges.filter((b) => b !== 'dropped')).toEqual([]);
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 120_000);

  it('retries a failed mail from its page until it is sent, once; a second tab’s retry gets the 409', async () => {
    const w = world();
    for (const width of WIDTHS) {
      const { single } = subjects(width);
      const id = idOf(single);
      const tab = await w.open(width);
      const other = await w.open(width);
      for (const watched of [tab, other]) {
        await w.signIn(watched);
        await show(watched, `#/messages/${id}`);
        await watched.page.getByRole('heading', { name: single, level: 1 }).waitFor();
      }
      const { page } = tab;
      const status = page.locator('section > p > .badge');
      expect(await status.textContent()).toBe('failed');
      expect(await page.locator('dl.fields').textContent()).toContain('山田商店 <app@acme.localhost>');
      await w.shot(tab, 'message-failed');

      await page.getByRole('button', { name: 'Retry', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry this mail?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Retry' }).click();
      await page.getByText('Queued again as attempt').waitFor();
      const retryId = await page.locator('.notice code').textContent();
      expect(retryId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

      // The page refreshes itself while the attempt is in flight.
      // (A locator, not waitForFunction: the page's CSP refuses the eval that polling a string needs.)
      await status.filter({ hasText: /^(sent|delivered)$/ }).waitFor({ timeout: 90_000 });
      await page.locator('ol.timeline li[data-type="sent"]').first().waitFor();
      const timeline = await page
        .locator('ol.timeline li')
        .evaluateAll((items) =>
          items.map((li) => ({ type: li.getAttribute('data-type'), text: li.textContent ?? '' })),
        );
      const retried = timeline.findIndex((e) => e.type === 'retried');
      expect(retried).toBeGreaterThanOrEqual(0);
      expect(timeline[retried]!.text).toContain(`retryId: ${retryId}`);
      expect(timeline[retried]!.text).toContain('after: failed');
      expect(timeline.slice(retried + 1).map((e) => e.type)).toEqual(
        expect.arrayContaining(['sending', 'sent']),
      );
      // The retry is attempt 11: the count goes on across attempts (docs/message-retry.md).
      const attempts = page
        .locator('dl.fields dt', { hasText: /^Attempts$/ })
        .locator('xpath=following-sibling::dd[1]');
      expect(await attempts.textContent()).toBe('11');
      expect(await page.getByRole('button', { name: 'Retry', exact: true }).count()).toBe(0);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await w.shot(tab, 'message-retried');

      // The other tab still shows it failed; its retry is refused and the page catches up.
      await other.page.getByRole('button', { name: 'Retry', exact: true }).click();
      await other.page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
      await other.page.getByRole('alert').filter({ hasText: 'MESSAGE.NOT_RETRYABLE' }).waitFor();
      await other.page.getByRole('button', { name: 'Retry', exact: true }).waitFor({ state: 'detached' });

      await w.settle(id, ['sent', 'delivered']);
      expect(await w.copiesSent(single)).toBe(1);
      for (const watched of [tab, other]) {
        expect(unexpected(watched.errors)).toEqual([]);
        expect(watched.remote).toEqual([]);
      }
    }
  }, 240_000);

  it('retries the selected failed mail four at a time, shows each result, and one refused stops nothing', async () => {
    const w = world();
    for (const width of WIDTHS) {
      const { bulk } = subjects(width);
      const [first, second, third] = bulk.map(idOf) as [string, string, string];
      const watched = await w.open(width);
      const { page } = watched;
      await w.signIn(watched);
      await page.getByRole('link', { name: 'Failed mail' }).click();
      await page.getByRole('heading', { name: 'Failed mail', level: 1 }).waitFor();
      for (const id of [first, second, third]) await page.locator(`tr[data-id="${id}"]`).waitFor();
      expect(await page.locator(`tr[data-id="${first}"]`).textContent()).toContain(bulk[0]);
      await w.shot(watched, 'failed');

      // Retried behind the page's back (another operator): the page's retry of it is refused.
      expect((await apiRetry(third)).status).toBe(202);

      for (const subject of bulk) await page.getByLabel(`Select ${subject}`).check();
      await page.getByText('3 selected').waitFor();
      await page.getByRole('button', { name: 'Retry selected' }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry 3 mails?' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Retry' }).click();

      await page.locator('.bulk-progress .count').filter({ hasText: '3 of 3' }).waitFor({ timeout: 30_000 });
      const progress = page.locator('.bulk-progress progress');
      expect(await progress.getAttribute('value')).toBe('3');
      expect(await progress.getAttribute('max')).toBe('3');
      const result = (id: string) => page.locator(`ol.results li[data-id="${id}"]`);
      for (const id of [first, second]) {
        expect(await result(id).getAttribute('data-ok')).toBe('true');
        expect(await result(id).textContent()).toMatch(/queued again as [0-9A-HJKMNP-TV-Z]{26}$/);
      }
      expect(await result(third).getAttribute('data-ok')).toBe('false');
      expect(await result(third).textContent()).toContain('MESSAGE.NOT_RETRYABLE');
      await page.getByText('2 of 3 queued again, 1 refused').waitFor();
      expect(await page.locator('[aria-live="polite"] ol.results li').count()).toBe(3);
      // Queued again: no longer selectable, so "Retry selected" cannot send them twice.
      expect(await page.getByLabel(`Select ${bulk[0]}`).isDisabled()).toBe(true);
      // Readable at 360 px: the page itself never scrolls sideways.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await w.shot(watched, 'failed-retried');

      for (const id of [first, second, third]) await w.settle(id, ['sent', 'delivered']);
      for (const subject of bulk) expect(await w.copiesSent(subject)).toBe(1);
      // Sent now: a reload lists them no more.
      await page.getByRole('button', { name: 'Reload' }).click();
      for (const id of [first, second, third]) {
        await page.locator(`tr[data-id="${id}"]`).waitFor({ state: 'detached' });
      }
      expect(unexpected(watched.errors)).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 240_000);
}
