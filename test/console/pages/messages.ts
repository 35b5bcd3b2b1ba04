import { WIDTHS, type ConsoleWorld } from '../support/world';

/** Sign-in, the messages list and one message's timeline. */
export function messagesTests(world: () => ConsoleWorld) {
  it('refuses an unknown key with the API’s reason, and keeps it out of the URL and storage', async () => {
    const { page } = await world().open();
    await page.goto(world().url);
    await page.getByLabel('API key').fill('not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'AUTH' }).waitFor();
    expect(page.url()).not.toContain('not-a-key');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('finds a mail by recipient, newest first, with a Japanese subject and sender name', async () => {
    const w = world();
    const recipient = `ana.${Date.now()}@example.com`;
    const first = await w.send({
      from: { email: 'billing@acme.localhost', name: '経理部' },
      to: [recipient],
      subject: '請求書のお知らせ（12月分）',
      text: 'こんにちは',
    });
    const second = await w.send({
      from: 'app@acme.localhost',
      to: [recipient],
      subject: 'Second',
      text: 'Hi',
    });
    const other = await w.send({
      from: 'app@acme.localhost',
      to: ['someone.else@example.com'],
      subject: 'Other',
      text: 'Hi',
    });
    await w.settle(first, ['delivered']);
    await w.settle(second, ['delivered']);

    for (const width of WIDTHS) {
      const watched = await w.open(width);
      const { page } = watched;
      await w.signIn(watched);
      await page.getByLabel('Recipient').fill(recipient);
      await page.getByRole('button', { name: 'Search' }).click();
      // The unfiltered list shows the other recipient's mail too: once it is gone, the filtered answer is in.
      // (Locators, not waitForFunction: the console's CSP refuses the eval that one needs.)
      await page.locator(`table.list tr[data-id="${first}"]`).waitFor();
      await page.locator(`table.list tr[data-id="${other}"]`).waitFor({ state: 'detached' });
      const rows = page.locator('table.list tbody tr');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).getAttribute('data-id')).toBe(second);
      expect(await rows.nth(1).getAttribute('data-id')).toBe(first);
      expect(await rows.nth(1).locator('.badge').textContent()).toBe('delivered');
      expect(await rows.nth(1).textContent()).toContain('請求書のお知らせ（12月分）');
      await w.shot(watched, 'messages');

      await rows.nth(1).getByRole('link').click();
      await page.getByRole('heading', { name: '請求書のお知らせ（12月分）', level: 1 }).waitFor();
      const timeline = page.locator('ol.timeline li');
      expect(await timeline.evaluateAll((items) => items.map((li) => li.getAttribute('data-type')))).toEqual(
        expect.arrayContaining(['queued', 'sending', 'sent', 'delivered']),
      );
      expect(await page.locator('dl.fields').textContent()).toContain('経理部 <billing@acme.localhost>');
      await w.shot(watched, 'message');
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  });

  it('works by keyboard alone: sign in, search, open a mail, and ask and cancel its retry', async () => {
    const w = world();
    const recipient = `keys.${Date.now()}@reject.mailroom.test`;
    const id = await w.send({
      from: 'app@acme.localhost',
      to: [recipient],
      subject: 'By keyboard',
      text: 'Hi',
    });
    await w.settle(id, ['failed']);
    const watched = await w.open(1280);
    const { page } = watched;
    const retries: string[] = [];
    page.on('request', (r) => void (r.method() === 'POST' && retries.push(r.url())));
    const focused = (expression: string) =>
      page.evaluate(`(() => { const e = document.activeElement; return ${expression}; })()`);
    /** Tab until `expression` holds for the focused element, at most `max` times. */
    const tabTo = async (expression: string, max = 25) => {
      for (let i = 0; i < max; i++) {
        if (await focused(expression)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(
        `Tab never reached ${expression}; focus is on ${String(await focused('e.outerHTML.slice(0, 120)'))}`,
      );
    };

    await page.goto(w.url);
    await tabTo("e.id === 'api-key'", 3);
    await page.keyboard.type('dev-acme-key');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    // The page's heading has focus, so the search is the next stop.
    expect(await focused("e.tagName + ' ' + e.textContent")).toBe('H1 Messages');
    await tabTo("e.name === 'recipient'", 2);
    await page.keyboard.type(recipient);
    await page.keyboard.press('Enter');
    // The search answered: this recipient's one mail, alone.
    await page.waitForURL(/recipient=/, { waitUntil: 'commit' });
    await page.locator(`table.list tr[data-id="${id}"]`).waitFor();
    await page.locator('table.list tbody tr').nth(1).waitFor({ state: 'detached' });
    await tabTo(`e.closest('tr')?.dataset.id === '${id}' && e.tagName === 'A'`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'By keyboard', level: 1 }).waitFor();
    expect(await focused('e.tagName')).toBe('H1');

    await tabTo("e.tagName === 'BUTTON' && e.textContent === 'Retry'", 5);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Retry this mail?' }).waitFor();
    // The question holds focus (the page behind is inert) and Escape takes it back.
    expect(await focused("e.closest('dialog') !== null")).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(retries).toEqual([]);
    expect((await w.settle(id, ['failed'])).status).toBe('failed');
    expect(watched.errors).toEqual([]);
    expect(watched.remote).toEqual([]);
  }, 90_000);
}
