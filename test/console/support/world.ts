/**
 * The console's browser tests: `pnpm dev`'s local cloud (the same startLocalCloud, every service, free
 * ports) and Debian's Chromium driven by playwright-core. Each page watches what it loads, so a test
 * can say that nothing left localhost and no script error happened.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createDynamoDocumentClient, DynamoTenantStore } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'artifacts', 'console');
const CHROMIUM = process.env.MAILROOM_CHROMIUM ?? '/usr/bin/chromium';

export const WIDTHS = [1280, 360] as const;
export type Width = (typeof WIDTHS)[number];

/** A page, and what it did that a test may want to refuse. */
export interface Watched {
  page: Page;
  width: Width;
  /** Every request to a host other than localhost, as its URL. */
  remote: string[];
  /** Uncaught script errors and console errors, as text. */
  errors: string[];
}

export interface ConsoleWorld {
  cloud: LocalCloud;
  /** http://localhost:<api port>/console */
  url: string;
  apiUrl: string;
  outboundUrl: string;
  browser: Browser;
  open(width?: Width): Promise<Watched>;
  /** Signs in with `key` (a dev key by default) and waits for the messages page. */
  signIn(watched: Watched, key?: string): Promise<void>;
  /** A full-page screenshot, artifacts/console/<name>-<width>.png. */
  shot(watched: Watched, name: string): Promise<void>;
  /** POST /v1/messages as `key`; the new message's id. */
  send(mail: Record<string, unknown>, key?: string): Promise<string>;
  /** A new API key of `tenantId` with only `scopes` (to see what the console offers a lesser key). */
  createKey(tenantId: string, scopes: ('send' | 'read' | 'admin')[]): Promise<string>;
  /** GET /v1/messages/{id} until its status is one of `statuses`, within `boundMs`. */
  settle(
    id: string,
    statuses: readonly string[],
    boundMs?: number,
    key?: string,
  ): Promise<{ status: string }>;
  /** How many copies of mail with this subject the SES stand-in took (what actually went out). */
  copiesSent(subject: string): Promise<number>;
  stop(): Promise<void>;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium" (docs/console.md), or point MAILROOM_CHROMIUM at one.`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Send retries back off from 0.2 s up to 1 s instead of 2 s up to 5 min, so a test can run a mail
  // through all its attempts to `failed` (docs/message-retry.md) in seconds.
  const cloud = await startLocalCloud({
    ports: 'auto',
    env: { ...process.env, MAILROOM_RETRY_BASE_SECONDS: '0.2', MAILROOM_RETRY_CAP_SECONDS: '1' },
  });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  } catch (error) {
    await cloud.stop();
    throw error;
  }
  const apiUrl = `http://localhost:${cloud.ports.api}`;
  const outboundUrl = `http://localhost:${cloud.ports.outbound}`;
  const pages: Page[] = [];

  const open = async (width: Width = 1280): Promise<Watched> => {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    pages.push(page);
    const watched: Watched = { page, width, remote: [], errors: [] };
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (
        !['localhost', '127.0.0.1'].includes(url.hostname) &&
        !['data:', 'blob:', 'about:'].includes(url.protocol)
      ) {
        watched.remote.push(request.url());
      }
    });
    page.on('pageerror', (error) => watched.errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') watched.errors.push(message.text());
    });
    return watched;
  };

  const call = async (method: string, url: string, key: string, body?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const tenants = new DynamoTenantStore(
    createDynamoDocumentClient({ region: cloud.env.AWS_REGION!, endpoint: cloud.endpoints.dynamodb }),
    cloud.outputs.outbound.TenantsTableName!,
  );

  return {
    cloud,
    createKey: async (tenantId, scopes) => (await tenants.createApiKey(tenantId, scopes)).key,
    url: `${apiUrl}/console`,
    apiUrl,
    outboundUrl,
    browser,
    open,
    signIn: async ({ page }, key = 'dev-acme-key') => {
      await page.goto(`${apiUrl}/console`);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Messages', level: 1 }).waitFor();
    },
    shot: async ({ page, width }, name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    },
    send: async (mail, key = 'dev-acme-key') =>
      (await call('POST', `${outboundUrl}/v1/messages`, key, mail)).id as string,
    settle: async (id, statuses, boundMs = 60_000, key = 'dev-acme-key') => {
      const deadline = Date.now() + boundMs;
      for (;;) {
        const message = (await call('GET', `${apiUrl}/v1/messages/${id}`, key)) as { status: string };
        if (statuses.includes(message.status)) return message;
        if (Date.now() > deadline)
          throw new Error(`${id} is ${message.status} after ${boundMs} ms, not ${statuses.join('|')}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    copiesSent: async (subject) => {
      const store = (await (await fetch(`${cloud.endpoints.ses}/store`)).json()) as {
        emails: { subject?: string }[];
      };
      return store.emails.filter((mail) => mail.subject === subject).length;
    },
    stop: async () => {
      await Promise.allSettled(pages.map((page) => page.context().close()));
      await browser.close().catch(() => {});
      await cloud.stop();
    },
  };
}
