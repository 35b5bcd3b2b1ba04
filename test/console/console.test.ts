import { inboundTests } from './pages/inbound';
import { messagesTests } from './pages/messages';
import { retryTests } from './pages/retry';
import { domainsTests } from './pages/domains';
import { statsTests } from './pages/stats';
import { startConsoleWorld, type ConsoleWorld } from './support/world';

// The console in headless Chromium against `pnpm dev`'s local cloud (docs/console.md). One cloud for
// every page: each page's tests live in ./pages and share it. Screenshots go to artifacts/console.
describe('console', () => {
  let world: ConsoleWorld;
  beforeAll(async () => {
    world = await startConsoleWorld();
  }, 420_000);
  afterAll(async () => {
    await world?.stop();
  }, 60_000);

  describe('messages', () => messagesTests(() => world));
  describe('inbound', () => inboundTests(() => world));
  describe('retry', () => retryTests(() => world));
  describe('stats', () => statsTests(() => world));
  describe('domains', () => domainsTests(() => world));
});
