import {
  PayloadTooLargeError,
  ValidationError,
  type SendMailRequest,
  type SendQueueMessage,
} from '@mailroom/core';
import { InMemoryMessageStore, InMemoryTenantStore } from '@mailroom/core/testing';
import { acceptMessage, type AcceptDeps } from '../../src/accept-message';
import type { ProviderName } from '../../src/providers/port';

/** Counts what reached the store, so a refused request can be shown to have left nothing behind. */
class CountingMessageStore extends InMemoryMessageStore {
  created = 0;
  override async create(...args: Parameters<InMemoryMessageStore['create']>) {
    this.created += 1;
    return super.create(...args);
  }
}

describe('accept: the rules of the provider that will send, before the 202', () => {
  let messages: CountingMessageStore;
  let tenants: InMemoryTenantStore;
  let queued: SendQueueMessage[];
  let uploads: Map<string, number>;

  const depsFor = (defaultProvider: ProviderName = 'ses'): AcceptDeps => ({
    messages,
    enqueue: async (m) => void queued.push(m),
    storeRequest: async () => undefined,
    checkSender: async () => undefined,
    attachmentSize: async (_tenantId, key) => uploads.get(key),
    tenantProvider: async (tenantId) => (await tenants.getTenant(tenantId))?.provider,
    defaultProvider,
  });
  const request = (overrides: Partial<SendMailRequest> = {}): SendMailRequest => ({
    from: 'app@acme.example',
    to: ['ana@example.com'],
    subject: 'Hi',
    text: 'Hello',
    ...overrides,
  });
  const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, 'v']));
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!error) throw new Error('expected the request to be refused');
    return error as ValidationError | PayloadTooLargeError;
  };
  const nothingLeft = () => {
    expect(queued).toEqual([]);
    expect(messages.created).toBe(0);
  };

  beforeEach(async () => {
    messages = new CountingMessageStore();
    tenants = new InMemoryTenantStore();
    await tenants.createTenant('acme');
    await tenants.createTenant('viasg', { provider: 'sendgrid' });
    await tenants.createTenant('viases', { provider: 'ses' });
    queued = [];
    uploads = new Map();
  });

  it('refuses "," or ";" in a recipient name for SendGrid with a 400 naming it', async () => {
    const error = await refusal(
      acceptMessage(
        {
          tenantId: 'acme',
          request: request({
            provider: 'sendgrid',
            to: [{ email: 'ana@example.com', name: 'Doe, Ana' }],
            cc: [{ email: 'bo@example.com', name: 'Bo; Ops' }],
          }),
        },
        depsFor(),
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.map((d) => d.path)).toEqual(['to[0].name', 'cc[0].name']);
    nothingLeft();
  });

  it('refuses more than 10 tags for SendGrid (categories), but not for SES', async () => {
    const error = await refusal(
      acceptMessage(
        { tenantId: 'acme', request: request({ provider: 'sendgrid', tags: tags(11) }) },
        depsFor(),
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toEqual([{ path: 'tags', message: expect.stringMatching(/at most 10/) }]);
    nothingLeft();
    await expect(
      acceptMessage({ tenantId: 'acme', request: request({ tags: tags(11) }) }, depsFor()),
    ).resolves.toMatchObject({ status: 'queued' });
  });

  it("uses the tenant's provider when the request names none, and the platform default after that", async () => {
    const elevenTags = request({ tags: tags(11) });
    await expect(acceptMessage({ tenantId: 'viasg', request: elevenTags }, depsFor())).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      acceptMessage({ tenantId: 'acme', request: elevenTags }, depsFor('sendgrid')),
    ).rejects.toBeInstanceOf(ValidationError);
    nothingLeft();
    // The tenant's own setting beats the default; the request's beats the tenant's.
    await expect(
      acceptMessage({ tenantId: 'viases', request: elevenTags }, depsFor('sendgrid')),
    ).resolves.toBeDefined();
    await expect(
      acceptMessage({ tenantId: 'viasg', request: { ...elevenTags, provider: 'ses' } }, depsFor()),
    ).resolves.toBeDefined();
    expect(queued).toHaveLength(2);
  });

  it('checks the size with core’s estimate, MIME overhead included: 413 over 40 MB for SES, 30 MB for SendGrid', async () => {
    const key = 'acme/01J00000000000000000000000/big.pdf';
    const withUpload = (provider?: ProviderName) =>
      request({
        ...(provider && { provider }),
        attachments: [{ filename: 'big.pdf', contentType: 'application/pdf', key }],
      });
    // 29,000,000 bytes: about 39.7 MB encoded, which SES takes and SendGrid does not.
    uploads.set(key, 29_000_000);
    const tooBig = await refusal(
      acceptMessage({ tenantId: 'acme', request: withUpload('sendgrid') }, depsFor()),
    );
    expect(tooBig).toBeInstanceOf(PayloadTooLargeError);
    expect(tooBig.details?.[0]?.message).toMatch(/SendGrid limit/);
    nothingLeft();
    await expect(
      acceptMessage({ tenantId: 'acme', request: withUpload() }, depsFor()),
    ).resolves.toBeDefined();

    // 29,300,000 bytes is under 40 MiB encoded without line breaks — what the old check counted — but
    // over 40 MB as SES counts it: base64 lines and MIME headers included.
    uploads.set(key, 29_300_000);
    messages = new CountingMessageStore();
    queued = [];
    const overSes = await refusal(acceptMessage({ tenantId: 'acme', request: withUpload() }, depsFor()));
    expect(overSes).toBeInstanceOf(PayloadTooLargeError);
    expect(overSes.details?.[0]?.message).toMatch(/40000000-byte SES limit/);
    nothingLeft();
  });

  it('still refuses an attachment key of another tenant, or one never uploaded, with the key’s path', async () => {
    uploads.set('globex/01J00000000000000000000000/a.pdf', 10);
    const error = await refusal(
      acceptMessage(
        {
          tenantId: 'acme',
          request: request({
            attachments: [
              { filename: 'a.pdf', contentType: 'application/pdf', content: 'aGk=' },
              {
                filename: 'a.pdf',
                contentType: 'application/pdf',
                key: 'globex/01J00000000000000000000000/a.pdf',
              },
              {
                filename: 'b.pdf',
                contentType: 'application/pdf',
                key: 'acme/01J00000000000000000000000/b.pdf',
              },
            ],
          }),
        },
        depsFor(),
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.map((d) => d.path)).toEqual(['attachments[1].key', 'attachments[2].key']);
    nothingLeft();
  });
});
