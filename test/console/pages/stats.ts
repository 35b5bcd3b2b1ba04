import { rates, totals, type Counts } from '../../../packages/console/src/stats/rates';
import type { Page } from 'playwright-core';
import { WIDTHS, type ConsoleWorld, type Watched } from '../support/world';

type Bucket = Counts & { start: string };
const SHOWN = ['sent', 'delivered', 'bounced', 'complained', 'opened', 'clicked'] as const;
const HOUR_MS = 3_600_000;

/** The counters of each row of the page's table, and of its total row, as numbers. */
const TABLE_JS = `(() => {
  const read = (tr) => Object.fromEntries([...tr.querySelectorAll('td[data-counter]')]
    .map((td) => [td.dataset.counter, Number(td.textContent)]));
  return {
    rows: [...document.querySelectorAll('table.stats-table tbody tr')].map((tr) => ({ start: tr.dataset.start, ...read(tr) })),
    total: read(document.querySelector('table.stats-table tfoot tr')),
  };
})()`;

/**
 * How many pixel rows of the chart's canvas hold a line's colour: a flat line of zeros is two or three
 * rows thick, a line that rises to a count spans dozens. Colours as stats/series.ts draws them
 * (sent, delivered, bounced, complained); anti-aliased edges are skipped by the tolerance.
 */
const CHART_ROWS_JS = `(() => {
  const canvas = document.querySelector('.chart-box canvas');
  if (!canvas || canvas.width === 0) return 0;
  const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const colours = [[39, 80, 201], [29, 122, 70], [180, 35, 24], [179, 92, 0]];
  let rows = 0;
  for (let y = 0; y < height; y++) {
    let hit = false;
    for (let x = 0; x < width && !hit; x++) {
      const i = (y * width + x) * 4;
      hit = data[i + 3] > 200 && colours.some(([r, g, b]) =>
        Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40);
    }
    if (hit) rows++;
  }
  return rows;
})()`;

/** A section's link in the console's navigation (a mail's subject may hold the same word). */
const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });

const noSideScroll = async ({ page }: Watched) =>
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

/** The stats page: chart, rates against SES's thresholds and the numbers table, against GET /v1/stats. */
export function statsTests(world: () => ConsoleWorld) {
  it('charts sent, delivered, bounced and complained mail, with the rates and a table that match the API', async () => {
    const w = world();
    const now = Date.now();
    // A fixed window around now, so the page and this test ask the API the same question.
    const since = new Date(Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS).toISOString();
    const until = new Date(Math.floor(now / HOUR_MS) * HOUR_MS + 2 * HOUR_MS).toISOString();
    const stats = async (): Promise<Bucket[]> => {
      const res = await fetch(`${w.apiUrl}/v1/stats?interval=hour&since=${since}&until=${until}`, {
        headers: { authorization: 'Bearer dev-acme-key' },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { buckets: Bucket[] }).buckets;
    };
    const before = totals(await stats());

    // Labels keep these addresses off the suppression list other tests' simulator mail lands on.
    const label = `stats${now}`;
    const sends: [string, string][] = [
      [`success+${label}@simulator.amazonses.com`, 'delivered'],
      [`bounce+${label}@simulator.amazonses.com`, 'bounced'],
      [`complaint+${label}@simulator.amazonses.com`, 'complained'],
    ];
    for (const [to, status] of sends) {
      const id = await w.send({
        from: 'app@acme.localhost',
        to: [to],
        subject: `Stats ${status}`,
        text: 'Hi',
      });
      await w.settle(id, [status]);
    }
    // The tracker writes counters after statuses (docs/events.md): wait for them too, within a bound.
    const deadline = Date.now() + 30_000;
    let after = totals(await stats());
    while (
      after.sent < before.sent + 3 ||
      after.delivered < before.delivered + 1 ||
      after.bounced < before.bounced + 1 ||
      after.complained < before.complained + 1
    ) {
      if (Date.now() > deadline)
        throw new Error(`counters did not arrive: ${JSON.stringify({ before, after })}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = totals(await stats());
    }

    for (const width of WIDTHS) {
      const watched = await w.open(width);
      const { page } = watched;
      await w.signIn(watched);
      await nav(page, 'Stats').click();
      await page.getByRole('heading', { name: 'Stats', level: 1 }).waitFor();
      await page.evaluate(
        `location.hash = ${JSON.stringify(`#/stats?interval=hour&since=${since}&until=${until}`)}`,
      );
      // The first row is the window's first hour once the page has the answer (all rows come at once).
      await page.locator(`table.stats-table tbody tr[data-start="${since.replace('.000Z', 'Z')}"]`).waitFor();
      // The default window (the last day) can hold that hour too: wait until its 25 rows are replaced.
      await page.locator('table.stats-table tbody tr').nth(3).waitFor({ state: 'detached' });
      expect(await page.locator('table.stats-table tbody tr').count()).toBe(3);

      const api = await stats();
      const table = (await page.evaluate(TABLE_JS)) as {
        rows: Record<string, number | string>[];
        total: Record<string, number>;
      };
      expect(table.rows).toEqual(
        api.map((b) => ({ start: b.start, ...Object.fromEntries(SHOWN.map((k) => [k, b[k]])) })),
      );
      const sum = totals(api);
      expect(table.total).toEqual(Object.fromEntries(SHOWN.map((k) => [k, sum[k]])));
      for (const k of ['sent', 'delivered', 'bounced', 'complained'] as const)
        expect(sum[k]).toBeGreaterThan(0);

      // The rates: over sent mail, with the state rates.ts decides, in words and as data-state.
      const expected = rates(sum);
      for (const [id, what] of [
        ['bounce', 'bounced'],
        ['complaint', 'complained'],
      ] as const) {
        const card = page.locator(`[data-rate="${id}"]`);
        expect(await card.getAttribute('data-state')).toBe(expected[id].state);
        const text = await card.textContent();
        expect(text).toContain(`${expected[id].count} ${what} of ${sum.sent} sent.`);
        expect(text).toMatch(/OK|Warning: under review|At risk/);
        expect(text).toContain(id === 'bounce' ? '5.0 %' : '0.10 %');
      }

      // The chart is drawn, with lines that rise (not a flat row of zeros), at the container's width.
      expect(await page.evaluate(CHART_ROWS_JS)).toBeGreaterThan(20);
      const sizes = (await page.evaluate(
        "[document.querySelector('.chart-box').clientWidth, document.querySelector('.chart-box canvas').clientWidth]",
      )) as number[];
      expect(sizes[1]).toBe(sizes[0]);
      await noSideScroll(watched);
      await w.shot(watched, 'stats');

      if (width === 1280) {
        // The chart follows the window: narrower, then the canvas is as wide as its box again.
        await page.setViewportSize({ width: 700, height: 900 });
        // A function, not a string: the console's CSP refuses the eval a string predicate needs.
        await page.waitForFunction(() => {
          const el = (selector: string) =>
            (
              globalThis as unknown as { document: { querySelector(s: string): { clientWidth: number } } }
            ).document.querySelector(selector);
          const box = el('.chart-box').clientWidth;
          return box < 700 && el('.chart-box canvas').clientWidth === box;
        });
        expect(await page.evaluate(CHART_ROWS_JS)).toBeGreaterThan(20);
        // A legend button hides its line, and says so.
        const sent = page.getByRole('button', { name: 'Sent', exact: true });
        await sent.click();
        expect(await sent.getAttribute('aria-pressed')).toBe('false');
      }
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 240_000);

  it('shows the API’s reason for a window it refuses', async () => {
    const w = world();
    const watched = await w.open(360);
    const { page } = watched;
    await w.signIn(watched);
    // until before since: REQUEST.INVALID, shown in the error box, no chart.
    await page.evaluate(
      "location.hash = '#/stats?interval=hour&since=2026-12-03T10:00:00Z&until=2026-12-03T09:00:00Z'",
    );
    await page.getByRole('alert').filter({ hasText: 'REQUEST.INVALID' }).waitFor();
    expect(await page.locator('.chart-box').count()).toBe(0);
    expect(watched.remote).toEqual([]);
  });
}
