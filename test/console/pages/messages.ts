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
}
