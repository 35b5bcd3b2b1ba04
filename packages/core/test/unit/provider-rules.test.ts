import {
  assertMessageSize,
  assertProviderRules,
  IdempotencyKeySchema,
  jsonProblem,
  limits,
  MAX_MESSAGE_BYTES_BY_PROVIDER,
  PayloadTooLargeError,
  providerRuleDetails,
  SendMailRequestSchema,
  SendQueueMessageSchema,
  ValidationError,
  validationErrorFromZod,
} from '../../src';

const base = { from: 'app@acme.example', to: ['ana@example.com'], subject: 'Hi', text: 'Hello' };
const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`t${i}`, 'v']));

describe('provider rules', () => {
  it('has no extra rules for SES', () => {
    expect(
      providerRuleDetails({ to: [{ email: 'a@example.com', name: 'Doe, Ana' }], tags: tags(50) }, 'ses'),
    ).toEqual([]);
  });

  it('refuses "," or ";" in a SendGrid recipient name, naming each one', () => {
    const details = providerRuleDetails(
      {
        to: ['plain@example.com', { email: 'a@example.com', name: 'Doe, Ana' }],
        cc: [{ email: 'b@example.com', name: 'Bo' }],
        bcc: [{ email: 'c@example.com', name: 'Ops; night' }],
      },
      'sendgrid',
    );
    expect(details.map((d) => d.path)).toEqual(['to[1].name', 'bcc[0].name']);
    expect(details[0]?.message).toMatch(/SendGrid.*","/);
  });

  it('refuses more than 10 tags, and a tag whose "name:value" is over 255 characters, for SendGrid only', () => {
    expect(providerRuleDetails({ ...base, tags: tags(10) }, 'sendgrid')).toEqual([]);
    expect(providerRuleDetails({ ...base, tags: tags(11) }, 'sendgrid')).toEqual([
      { path: 'tags', message: expect.stringMatching(/at most 10.*got 11/) },
    ]);
    const long = { campaign: 'x'.repeat(247) }; // "campaign:" + 247 = 256
    expect(providerRuleDetails({ ...base, tags: long }, 'sendgrid').map((d) => d.path)).toEqual([
      'tags.campaign',
    ]);
    expect(providerRuleDetails({ ...base, tags: { campaign: 'x'.repeat(246) } }, 'sendgrid')).toEqual([]);
  });

  it('throws a ValidationError (400) carrying the details', () => {
    expect(() => assertProviderRules({ ...base, tags: tags(11) }, 'sendgrid')).toThrow(ValidationError);
    expect(() => assertProviderRules({ ...base, tags: tags(11) }, 'ses')).not.toThrow();
  });
});

describe('assertMessageSize per provider', () => {
  const withUpload = {
    ...base,
    attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', key: 'acme/1/a.pdf' }],
  };
  // 24 MB raw is about 32.4 MB base64-encoded: over SendGrid's 30 MB, under SES's 40 MB.
  const size = () => 24_000_000;

  it('allows SES 40 MB and SendGrid 30 MB, MIME overhead included', () => {
    expect(MAX_MESSAGE_BYTES_BY_PROVIDER).toEqual({ ses: 40_000_000, sendgrid: 30_000_000 });
    expect(() => assertMessageSize(withUpload, { attachmentSize: size })).not.toThrow();
    expect(() => assertMessageSize(withUpload, { attachmentSize: size, provider: 'ses' })).not.toThrow();
    let error: unknown;
    try {
      assertMessageSize(withUpload, { attachmentSize: size, provider: 'sendgrid' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect((error as PayloadTooLargeError).details?.[0]?.message).toMatch(/30000000-byte SendGrid limit/);
  });
});

describe('metadata depth', () => {
  const nested = (levels: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < levels; i++) value = { a: value };
    return value;
  };
  const detailsOf = (metadata: unknown) => {
    const result = SendMailRequestSchema.safeParse({ ...base, metadata });
    return result.success ? [] : (validationErrorFromZod(result.error).details ?? []);
  };

  it('refuses 10,000 levels with a 400 detail instead of overflowing the stack', () => {
    // JSON.parse copes with the depth; zod's z.json() and JSON.stringify did not.
    const metadata = JSON.parse(`{"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
    expect(detailsOf(metadata)).toEqual([
      {
        path: 'metadata.deep',
        message: `must not be nested more than ${limits.MAX_METADATA_DEPTH - 1} levels deep`,
      },
    ]);
    const queued = SendQueueMessageSchema.safeParse({
      ...base,
      metadata,
      tenantId: 'acme',
      id: '01J00000000000000000000000',
      version: 1,
    });
    expect(queued.success).toBe(false);
  });

  it(`accepts metadata ${limits.MAX_METADATA_DEPTH} levels deep and refuses ${limits.MAX_METADATA_DEPTH + 1}`, () => {
    // The metadata object is the first level; its value adds the rest.
    expect(detailsOf({ k: nested(limits.MAX_METADATA_DEPTH - 1) })).toEqual([]);
    expect(detailsOf({ k: nested(limits.MAX_METADATA_DEPTH) }).map((d) => d.path)).toEqual(['metadata.k']);
    expect(detailsOf({ list: [[[1]]], n: null, s: 'x', b: true })).toEqual([]);
  });

  it('walks arrays too and finds values that are not JSON', () => {
    expect(jsonProblem(JSON.parse('['.repeat(50) + ']'.repeat(50)), 16)).toMatch(/nested/);
    expect(jsonProblem({ a: Number.NaN }, 16)).toMatch(/finite/);
    expect(jsonProblem({ a: new Date() }, 16)).toMatch(/plain objects/);
    expect(jsonProblem({ a: undefined }, 16)).toMatch(/undefined/);
    expect(jsonProblem({ a: [1, { b: 'c' }] }, 3)).toBeUndefined();
  });
});

describe('Idempotency-Key', () => {
  it('is checked by the one schema the send queue body uses too', () => {
    expect(SendQueueMessageSchema.shape.idempotencyKey.unwrap()).toBe(IdempotencyKeySchema);
    for (const bad of ['has space', 'tab\tkey', 'bell\u0007', 'ünï', '', 'k'.repeat(129)]) {
      expect(IdempotencyKeySchema.safeParse(bad).success).toBe(false);
    }
    expect(IdempotencyKeySchema.safeParse('order-42:retry/1').success).toBe(true);
  });
});
