import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deliverSmtp } from '../support/smtp';
import { WIDTHS, type ConsoleWorld, type Watched } from '../support/world';

const FIXTURES = join(__dirname, '..', '..', '..', 'services', 'inbound', 'test', 'fixtures');
/** The list page's size (pages/inbound-list.tsx). */
const PAGE_SIZE = 25;
/** The decoded subject of mime/iso2022jp-subject-and-body.eml (its README; Python's email agrees). */
const JP_SUBJECT = '日本語メールテスト (testing Japanese emails)';
const PREVIEW_META =
  '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">';
const ATTACHMENT = 'id,amount\n1,1200\n';
/** 請求書.csv, as RFC 2231 percent-encoding gives it. */
const ATTACHMENT_NAME = '請求書.csv';

/**
 * HTML that tries everything a hostile or tracking mail does: scripts that reach for the console (its
 * title, its location) or the network, inline handlers, remote images, CSS, fonts, frames, a refresh.
 * The id'd paragraph is what must still show; a script that ran would change it.
 */
const HOSTILE_HTML = `<!doctype html><html><head>
<style>@import url(http://tracker.example/import.css);
@font-face { font-family: Tracked; src: url(http://tracker.example/font.woff2); }
body { background: #fffbe6 url(http://tracker.example/bg.png); font-family: Tracked, serif; }</style>
<link rel="stylesheet" href="http://tracker.example/sheet.css">
<meta http-equiv="refresh" content="0;url=http://tracker.example/refresh">
</head><body>
<p id="visible">Your invoice is attached — ご確認ください</p>
<img src="http://tracker.example/p.gif" width="1" height="1" alt="">
<div style="background-image: url('http://tracker.example/div.png')">Styled block</div>
<iframe src="http://tracker.example/frame"></iframe>
<script>document.getElementById('visible').textContent = 'SCRIPT RAN'; parent.document.title = 'pwned';</script>
<script>top.location = 'http://tracker.example/top';</script>
<script>fetch('http://tracker.example/fetch');</script>
<img src="data:," onerror="document.body.textContent = 'HANDLER RAN'; parent.document.title = 'pwned'">
</body></html>`;

const hostileMail = (to: string, subject: string) =>
  [
    'From: Billing <billing@vendor.example>',
    `To: ${to}`,
    `Subject: ${subject}`,
    'Message-ID: <hostile-1@vendor.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Your invoice is attached — ご確認ください',
    '<script>alert(1)</script> stays text.',
    '',
    '--inner',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    HOSTILE_HTML,
    '--inner--',
    '',
    '--outer',
    'Content-Type: text/csv; charset=utf-8',
    `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(ATTACHMENT_NAME)}`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(ATTACHMENT).toString('base64'),
    '--outer--',
    '',
  ].join('\r\n');

const replyMail = (to: string, providerMessageId: string) =>
  [
    'From: Ana <ana@example.com>',
    `To: ${to}`,
    'Subject: Re: your order',
    `In-Reply-To: <${providerMessageId}@email.amazonses.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thanks, it arrived.',
    '',
  ].join('\r\n');

interface Item {
  id: string;
  status: string;
  subject: string | null;
}

/**
 * The inbound list and one received mail, with mail delivered over SMTP to the local cloud's ingress
 * (the dev route `*@in.acme.localhost` stores it for tenant acme).
 */
export function inboundTests(world: () => ConsoleWorld) {
  const run = Date.now();
  const address = (name: string) => `${name}.${run}@in.acme.localhost`;
  const hostileSubject = `Invoice ${run}`;
  const mail: Record<'jp' | 'html' | 'broken' | 'bounce' | 'reply', Item> = {} as never;
  let sentId = '';
  let many: Item[] = [];

  const get = async <T>(path: string, key = 'dev-acme-key'): Promise<T> => {
    const res = await fetch(`${world().apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  /** The one mail to `recipient` once processing has ended (polled: the queue and `process` run apart). */
  const ended = async (recipient: string): Promise<Item> => {
    const deadline = Date.now() + 150_000;
    for (;;) {
      const { items } = await get<{ items: Item[] }>(
        `/v1/inbound?recipient=${encodeURIComponent(recipient)}`,
      );
      if (items.length > 1) throw new Error(`${items.length} mails to ${recipient}`);
      if (items[0] && items[0].status !== 'received') return items[0];
      if (Date.now() > deadline)
        throw new Error(`mail to ${recipient} is ${items[0]?.status ?? 'not there'}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  /** The `count` mails to `recipient`, newest first, once all are processed. */
  const allEnded = async (recipient: string, count: number): Promise<Item[]> => {
    const deadline = Date.now() + 150_000;
    for (;;) {
      const { items } = await get<{ items: Item[] }>(
        `/v1/inbound?limit=100&recipient=${encodeURIComponent(recipient)}`,
      );
      if (items.length === count && items.every((m) => m.status === 'processed')) return items;
      if (Date.now() > deadline)
        throw new Error(`mail to ${recipient}: ${items.map((m) => m.status).join(' ')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  beforeAll(async () => {
    const w = world();
    sentId = await w.send({
      from: 'shop@acme.localhost',
      to: ['ana@example.com'],
      subject: 'Your order',
      text: 'x',
    });
    await w.settle(sentId, ['delivered']);
    const { providerMessageId } = await get<{ providerMessageId: string }>(`/v1/messages/${sentId}`);
    const deliveries: [keyof typeof mail, string | Buffer][] = [
      ['jp', readFileSync(join(FIXTURES, 'mime', 'iso2022jp-subject-and-body.eml'))],
      ['html', hostileMail(address('html'), hostileSubject)],
      // Not a message at all (no header field): processing fails with INBOUND.NOT_A_MESSAGE.
      ['broken', 'this is not a mail\r\n'],
      ['bounce', readFileSync(join(FIXTURES, 'dsn', 'sendgrid-bounce.eml'))],
      ['reply', replyMail(address('reply'), providerMessageId)],
    ];
    for (const [name, raw] of deliveries) {
      await deliverSmtp(w.cloud.ports.smtp, { from: 'sender@example.com', to: [address(name)], raw });
    }
    // One page and one more, all to one address, for "Older mail".
    for (let i = 0; i < PAGE_SIZE + 1; i++) {
      const raw = `From: Bulk <bulk@vendor.example>\r\nSubject: Batch ${i}\r\n\r\nMail ${i}\r\n`;
      await deliverSmtp(w.cloud.ports.smtp, { from: 'bulk@vendor.example', to: [address('many')], raw });
    }
    for (const [name] of deliveries) mail[name] = await ended(address(name));
    many = await allEnded(address('many'), PAGE_SIZE + 1);
    expect(Object.fromEntries(Object.entries(mail).map(([name, m]) => [name, m.status]))).toEqual({
      jp: 'processed',
      html: 'processed',
      broken: 'failed',
      bounce: 'processed',
      reply: 'processed',
    });
  }, 240_000);

  /** Signed in, on the inbound list filtered by `recipient` through the search form. */
  const openList = async (watched: Watched, recipient: string) => {
    const { page } = watched;
    await world().signIn(watched);
    await page.getByRole('link', { name: 'Inbound', exact: true }).click();
    await page.getByRole('heading', { name: 'Inbound mail', level: 1 }).waitFor();
    await page.locator('table.list tbody tr').nth(1).waitFor();
    await page.getByLabel('Recipient').fill(recipient);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/#\/inbound\?recipient=/);
    // The unfiltered list has every mail of this run: one row left is the filtered answer. (Not
    // waitForFunction: the console's CSP refuses the eval it uses.)
    await page.locator('table.list tbody tr').nth(1).waitFor({ state: 'detached' });
  };

  const noSideScroll = async (watched: Watched) => {
    expect(await watched.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      watched.width,
    );
  };

  it('lists received mail by recipient with the ISO-2022-JP subject decoded, and shows it in full', async () => {
    for (const width of WIDTHS) {
      const watched = await world().open(width);
      const { page } = watched;
      await openList(watched, address('jp'));
      const row = page.locator('table.list tbody tr');
      expect(await row.getAttribute('data-id')).toBe(mail.jp.id);
      expect(await row.locator('.badge').textContent()).toBe('processed');
      expect(await row.locator('td[data-label="Subject"]').textContent()).toBe(JP_SUBJECT);
      expect(await row.locator('td[data-label="From"]').textContent()).toBe('x@x.com');
      expect(await row.locator('td[data-label="Attachments"]').textContent()).toBe('0');
      await noSideScroll(watched);
      await world().shot(watched, 'inbound-list');

      await row.getByRole('link', { name: JP_SUBJECT }).click();
      await page.getByRole('heading', { name: JP_SUBJECT, level: 1 }).waitFor();
      expect(await fieldsOf(watched, 'dl.fields.headers')).toMatchObject({
        From: 'x@x.com',
        Subject: JP_SUBJECT,
        Route: '*@in.acme.localhost',
        'Sent mail': '—',
        Id: mail.jp.id,
      });
      expect(await page.locator('pre.mail-text').textContent()).toContain('日本語が');
      // The local ingress gives SES's verdicts for unauthenticated mail (packages/local, LOCAL_VERDICTS).
      expect(await page.locator('ul.verdicts li').allTextContents()).toEqual([
        'Spam: PASS',
        'Virus: PASS',
        'SPF: GRAY',
        'DKIM: GRAY',
        'DMARC: GRAY',
      ]);
      expect(await page.getByText('No HTML body.').count()).toBe(1);
      expect(await page.getByText('No attachments.').count()).toBe(1);
      // Processed mail is final: no retry offered.
      expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
      await noSideScroll(watched);
      await world().shot(watched, 'inbound-mail');
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 120_000);

  it('pages back with "Older mail", newest first', async () => {
    const watched = await world().open(1280);
    const { page } = watched;
    await world().signIn(watched);
    await page.goto(`${world().url}#/inbound?recipient=${encodeURIComponent(address('many'))}`);
    const rows = page.locator('table.list tbody tr');
    const older = page.getByRole('button', { name: 'Older mail' });
    await older.waitFor();
    expect(await rows.count()).toBe(PAGE_SIZE);
    await older.click();
    await rows.nth(PAGE_SIZE).waitFor();
    expect(await older.count()).toBe(0);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual(
      many.map((m) => m.id),
    );
    expect(await rows.first().locator('td[data-label="Subject"]').textContent()).toBe(`Batch ${PAGE_SIZE}`);
    expect(watched.errors).toEqual([]);
    expect(watched.remote).toEqual([]);
  }, 120_000);

  it('previews hostile HTML in a sandbox: no script runs, nothing leaves localhost, the text shows; the attachment downloads', async () => {
    for (const width of WIDTHS) {
      const watched = await world().open(width);
      const { page } = watched;
      const left = leftLocalhost(watched);
      await openList(watched, address('html'));
      expect(await page.locator('td[data-label="Attachments"]').textContent()).toBe('1');
      await page.getByRole('link', { name: hostileSubject }).click();
      await page.getByRole('heading', { name: hostileSubject, level: 1 }).waitFor();

      const frame = page.locator('iframe.mail-preview');
      expect(await frame.getAttribute('sandbox')).toBe('');
      expect((await frame.getAttribute('srcdoc'))?.startsWith(PREVIEW_META)).toBe(true);
      // The mail's text renders inside the frame (so the console's CSP lets the srcdoc frame load)...
      const inside = page.frameLocator('iframe.mail-preview');
      await inside.getByText('Your invoice is attached — ご確認ください').waitFor();
      await inside.getByText('Styled block').waitFor();
      // ...and no script of it ran: neither its own DOM, nor the console's title, nor a request changed.
      expect(await inside.locator('#visible').textContent()).toBe(
        'Your invoice is attached — ご確認ください',
      );
      expect(await inside.getByText('HANDLER RAN').count()).toBe(0);
      expect(await page.title()).toBe('Mailroom console');
      expect(page.url()).toContain(`${world().apiUrl}/console#/inbound/`);
      // The text body is text: the <script> in it is shown, not run.
      expect(await page.locator('pre.mail-text').textContent()).toContain(
        '<script>alert(1)</script> stays text.',
      );
      expect(await page.locator('script').count()).toBe(1);

      const link = page.getByRole('link', { name: ATTACHMENT_NAME });
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await link.getAttribute('download')).toBe(ATTACHMENT_NAME);
      expect(await page.locator('td[data-label="Type"]').textContent()).toBe('text/csv');
      expect(await page.locator('td[data-label="Size"]').textContent()).toBe(
        `${Buffer.byteLength(ATTACHMENT)} B`,
      );
      const download = await fetch((await link.getAttribute('href'))!);
      expect(download.status).toBe(200);
      expect(await download.text()).toBe(ATTACHMENT);

      await noSideScroll(watched);
      await world().shot(watched, 'inbound-html');
      // Chromium reports a request that a CSP refuses as a request (DevTools shows it "(blocked:csp)")
      // that fails before it is sent; `remote` lists those too. What counts is that each failed so,
      // and that no answer came from anywhere but localhost.
      expect(await left()).toEqual({ answered: [], notRefusedByCsp: [] });
      // Chromium reports what the frame's sandbox and policies refused as console errors of the frame
      // (about:srcdoc): those are the defence at work. Anything else is a fault of the console.
      expect(watched.errors.filter((e) => !REFUSED_IN_FRAME.test(e))).toEqual([]);
    }
  }, 120_000);

  it('retries failed mail after a confirmation, and shows the API’s refusal', async () => {
    const w = world();
    const watched = await w.open(1280);
    const { page } = watched;
    await w.signIn(watched);
    await page.goto(`${w.url}#/inbound/${mail.broken.id}`);
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await page.locator('h1').textContent()).toBe('(no subject)');
    expect(await page.locator('section .badge').first().textContent()).toBe('failed');

    // A refusal (another tab retried first) is shown as the API says it.
    await page.route('**/v1/inbound/*/retry', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'RESOURCE.CONFLICT', message: 'inbound mail is received' } }),
      }),
    );
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('alert').filter({ hasText: 'RESOURCE.CONFLICT' }).waitFor();
    await page.unroute('**/v1/inbound/*/retry');

    // Cancel asks nothing.
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);

    const answered = page.waitForResponse((res) => res.url().endsWith(`/v1/inbound/${mail.broken.id}/retry`));
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Retry' }).click();
    expect((await answered).status()).toBe(202);
    await page.getByRole('status').filter({ hasText: 'Queued for processing again' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    // It is still not a mail: processed again, it fails again and can be retried again.
    expect((await ended(address('broken'))).status).toBe('failed');
    // The page follows it by itself: failed again, Retry offered again.
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    expect(await page.locator('section .badge').first().textContent()).toBe('failed');
    await w.shot(watched, 'inbound-failed');
    // Chromium logs the stubbed 409 as a failed load; nothing else may be.
    expect(watched.errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
    expect(watched.remote).toEqual([]);
  }, 240_000);

  it('offers no retry to a key without the send scope, and says why', async () => {
    const w = world();
    const key = await w.createKey('acme', ['read']);
    for (const width of WIDTHS) {
      const watched = await w.open(width);
      const { page } = watched;
      await w.signIn(watched, key);
      await page.goto(`${w.url}#/inbound/${mail.broken.id}`);
      const retry = page.getByRole('button', { name: 'Retry' });
      await retry.waitFor();
      expect(await retry.isDisabled()).toBe(true);
      expect(await page.locator('#retry-why').textContent()).toBe(
        'This API key lacks the "send" scope. Retrying needs it.',
      );
      expect(await retry.getAttribute('aria-describedby')).toBe('retry-why');
      await noSideScroll(watched);
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 120_000);

  it('links a reply to the sent mail, and shows a bounce report’s fields', async () => {
    const w = world();
    for (const width of WIDTHS) {
      const watched = await w.open(width);
      const { page } = watched;
      await w.signIn(watched);
      await page.goto(`${w.url}#/inbound/${mail.bounce.id}`);
      await page.getByRole('heading', { name: 'Undelivered Mail Returned to Sender', level: 1 }).waitFor();
      expect(await fieldsOf(watched, 'dl.fields.dsn')).toEqual({
        Action: 'failed',
        'Status code': '5.1.1',
        'Diagnostic code': expect.stringContaining('User Unknown'),
        'Final recipient': 'kijitora@example.jp',
        'Original Message-ID': expect.any(String),
      });
      await w.shot(watched, 'inbound-bounce');

      await page.goto(`${w.url}#/inbound/${mail.reply.id}`);
      await page.getByRole('heading', { name: 'Re: your order', level: 1 }).waitFor();
      await page.getByRole('link', { name: sentId }).click();
      await page.getByRole('heading', { name: 'Your order', level: 1 }).waitFor();
      expect(page.url()).toContain(`#/messages/${sentId}`);
      expect(watched.errors).toEqual([]);
      expect(watched.remote).toEqual([]);
    }
  }, 120_000);

  it('says so when a mail is not there, and shows the API’s answer to a bad search', async () => {
    const w = world();
    const watched = await w.open(360);
    const { page } = watched;
    await w.signIn(watched);
    await page.goto(`${w.url}#/inbound/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
    await page.getByRole('alert').filter({ hasText: 'No inbound mail 01ARZ3NDEKTSV4RRFFQ69G5FAV' }).waitFor();
    await page.goto(`${w.url}#/inbound?recipient=not-an-address`);
    await page.getByRole('alert').filter({ hasText: 'REQUEST.INVALID' }).waitFor();
    // 404 and 400 answers are logged by Chromium as failed loads; nothing else may be.
    expect(watched.errors.filter((e) => !/status of (404|400)/.test(e))).toEqual([]);
    expect(watched.remote).toEqual([]);
  }, 120_000);
}

/**
 * For a page's remote requests (`Watched.remote`): those answered (they reached a host), and those not
 * refused by a Content-Security-Policy. Chromium says a load was refused in two ways: the request fails
 * with `net::ERR_BLOCKED_BY_CSP` (or just `csp`), and the console logs "Refused to load … '<url>' because it violates the
 * following Content Security Policy directive". Either counts (on a loaded machine the failure event can
 * lag far behind the log line). The check waits up to 10 s for each remote request to be refused, failed
 * or answered; one that is not refused is listed with what became of it.
 */
function leftLocalhost({
  page,
  remote,
}: Watched): () => Promise<{ answered: string[]; notRefusedByCsp: string[] }> {
  const local = (url: string) => ['localhost', '127.0.0.1'].includes(new URL(url).hostname);
  const answered: string[] = [];
  const refused = new Set<string>();
  const failures = new Map<string, string>();
  page.on('response', (response) => {
    if (!local(response.url()) && response.url().startsWith('http')) answered.push(response.url());
  });
  page.on('requestfailed', (request) => {
    const errorText = request.failure()?.errorText ?? 'failed';
    failures.set(request.url(), errorText);
    // Chromium names a CSP refusal either way, depending on where in loading it was refused.
    if (errorText === 'net::ERR_BLOCKED_BY_CSP' || errorText === 'csp') refused.add(request.url());
  });
  page.on('console', (message) => {
    const named = /^Refused to [^']*'([^']+)' because it violates the following Content Security Policy/.exec(
      message.text(),
    );
    if (named) refused.add(named[1]!);
  });
  const known = (url: string) => refused.has(url) || failures.has(url) || answered.includes(url);
  return async () => {
    const deadline = Date.now() + 10_000;
    while (!remote.every(known) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      answered,
      notRefusedByCsp: remote
        .filter((url) => !refused.has(url))
        .map((url) => `${url} (${failures.get(url) ?? 'no failure reported'})`),
    };
  };
}

/** What Chromium logs when the preview's sandbox or a policy refuses something the mail asked for. */
const REFUSED_IN_FRAME = /Content Security Policy|Blocked script execution in 'about:srcdoc'|sandboxed/;

/** A `<dl>`'s terms and their descriptions, as text. */
async function fieldsOf({ page }: Watched, selector: string): Promise<Record<string, string>> {
  const texts = await page.locator(`${selector} > dt, ${selector} > dd`).allTextContents();
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < texts.length; i += 2) fields[texts[i]!] = texts[i + 1]!;
  return fields;
}
