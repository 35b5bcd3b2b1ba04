import {
  MAX_WEBHOOK_ENDPOINTS,
  MESSAGE_STATUSES,
  NotFoundError,
  ValidationError,
  WebhookLimitError,
  type WebhookSecrets,
} from '@mailroom/core';
import { InMemoryWebhookEndpointStore, InMemoryWebhookSecrets } from '@mailroom/core/testing';
import { createWebhook } from '../../src/webhooks/create-webhook';
import { deleteWebhook } from '../../src/webhooks/delete-webhook';
import type { WebhookDeps } from '../../src/webhooks/deps';
import { listWebhooks } from '../../src/webhooks/list-webhooks';
import { MAX_WEBHOOK_URL_LENGTH } from '../../src/webhooks/webhook-url';

describe('/v1/webhooks use cases (in-memory ports)', () => {
  let secrets: InMemoryWebhookSecrets;
  let deps: WebhookDeps;
  beforeEach(() => {
    secrets = new InMemoryWebhookSecrets();
    deps = {
      endpoints: new InMemoryWebhookEndpointStore(),
      secrets,
      secretsPrefix: '/mailroom/test/webhooks',
      allowLocalHttp: false,
    };
  });

  it('creates an endpoint subscribed to every status, with a secret shown once and kept in Parameter Store', async () => {
    const created = await createWebhook('acme', { url: 'https://hooks.acme.example/mail' }, deps);
    expect(created).toEqual({
      id: expect.any(String),
      url: 'https://hooks.acme.example/mail',
      events: [...MESSAGE_STATUSES],
      status: 'active',
      failures: 0,
      lastError: null,
      createdAt: expect.any(String),
      disabledAt: null,
      secret: expect.stringMatching(/^whsec_[\w-]{43}$/),
    });
    expect(secrets.values).toEqual(new Map([[`/mailroom/test/webhooks/acme/${created.id}`, created.secret]]));
    const stored = await deps.endpoints.get('acme', created.id);
    expect(stored?.secretParameter).toBe(`/mailroom/test/webhooks/acme/${created.id}`);
  });

  it('keeps only the statuses asked for', async () => {
    const created = await createWebhook(
      'acme',
      { url: 'https://h.example', events: ['bounced', 'failed'] },
      deps,
    );
    expect(created.events).toEqual(['bounced', 'failed']);
  });

  it.each([
    ['plain http', 'http://hooks.example/x'],
    ['http to localhost when not allowed', 'http://localhost:9000/x'],
    ['credentials', 'https://user:pass@hooks.example/x'],
    ['a user name alone', 'https://token@hooks.example/x'],
    ['a fragment', 'https://hooks.example/x#frag'],
    ['a relative URL', '/hooks'],
    ['another scheme', 'ftp://hooks.example/x'],
    ['an over-long URL', `https://hooks.example/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`],
  ])('refuses %s, storing nothing', async (_what, url) => {
    await expect(createWebhook('acme', { url }, deps)).rejects.toBeInstanceOf(ValidationError);
    expect(secrets.values.size).toBe(0);
    expect(await deps.endpoints.list('acme')).toEqual([]);
  });

  it('takes http to loopback hosts only where the local cloud allows it', async () => {
    deps.allowLocalHttp = true;
    for (const url of [
      'http://localhost:9000/x',
      'http://127.0.0.1:9000/x',
      'http://[::1]:9/x',
      'http://a.localhost/x',
    ]) {
      await expect(createWebhook('acme', { url }, deps)).resolves.toMatchObject({ url });
    }
    await expect(createWebhook('acme', { url: 'http://hooks.example/x' }, deps)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it.each([
    ['an unknown status', ['opened']],
    ['a repeated status', ['sent', 'sent']],
    ['no status at all', []],
  ])('refuses %s in events', async (_what, events) => {
    await expect(
      createWebhook('acme', { url: 'https://h.example', events: events as never }, deps),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it(`refuses the ${MAX_WEBHOOK_ENDPOINTS + 1}th endpoint and removes the secret it had stored`, async () => {
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i++)
      await createWebhook('acme', { url: `https://h.example/${i}` }, deps);
    await expect(createWebhook('acme', { url: 'https://h.example/over' }, deps)).rejects.toBeInstanceOf(
      WebhookLimitError,
    );
    expect(secrets.values.size).toBe(MAX_WEBHOOK_ENDPOINTS);
  });

  it('stores no endpoint when the secret cannot be stored', async () => {
    const failing: WebhookSecrets = {
      put: () => Promise.reject(new Error('SSM down')),
      get: (n) => secrets.get(n),
      remove: (n) => secrets.remove(n),
    };
    await expect(
      createWebhook('acme', { url: 'https://h.example' }, { ...deps, secrets: failing }),
    ).rejects.toThrow('SSM down');
    expect(await deps.endpoints.list('acme')).toEqual([]);
  });

  it('lists the tenant’s endpoints oldest first, without secrets, a page at a time', async () => {
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(await createWebhook('acme', { url: `https://h.example/${i}` }, deps));
    await createWebhook('globex', { url: 'https://globex.example' }, deps);
    const first = await listWebhooks('acme', { limit: 2 }, deps);
    expect(first.items.map((i) => i.id)).toEqual([made[0]!.id, made[1]!.id]);
    expect(JSON.stringify(first)).not.toMatch(/whsec_|secret|mailroom\/test/);
    const second = await listWebhooks('acme', { limit: 2, cursor: first.nextCursor! }, deps);
    expect(second).toEqual({ items: [expect.objectContaining({ id: made[2]!.id })], nextCursor: null });
    await expect(listWebhooks('acme', { limit: 2, cursor: 'not-ours' }, deps)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('deletes the endpoint and its secret; another tenant’s id and an absent one are 404', async () => {
    const mine = await createWebhook('acme', { url: 'https://h.example' }, deps);
    await expect(deleteWebhook('globex', mine.id, deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(secrets.values.size).toBe(1);
    await deleteWebhook('acme', mine.id, deps);
    expect(secrets.values.size).toBe(0);
    expect(await deps.endpoints.list('acme')).toEqual([]);
    await expect(deleteWebhook('acme', mine.id, deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps the endpoint when its secret cannot be removed, so the delete can be repeated', async () => {
    const mine = await createWebhook('acme', { url: 'https://h.example' }, deps);
    const failing: WebhookSecrets = {
      put: (n, v) => secrets.put(n, v),
      get: (n) => secrets.get(n),
      remove: () => Promise.reject(new Error('SSM down')),
    };
    await expect(deleteWebhook('acme', mine.id, { ...deps, secrets: failing })).rejects.toThrow('SSM down');
    expect(await deps.endpoints.get('acme', mine.id)).not.toBeNull();
    await deleteWebhook('acme', mine.id, deps);
    expect(await deps.endpoints.get('acme', mine.id)).toBeNull();
  });
});
