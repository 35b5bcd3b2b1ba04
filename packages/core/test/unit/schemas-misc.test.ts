import { z } from 'zod';
import {
  AddressSchema,
  ApiScopeSchema,
  AttachmentUploadRequestSchema,
  IdempotencyKeySchema,
  MESSAGE_STATUSES,
  normalizeAddress,
  parseOrThrow,
  PayloadTooLargeError,
  recipientEmails,
  SendMailRequestSchema,
  TenantIdSchema,
  ValidationError,
  validationDetails,
} from '../../src';

describe('AddressSchema', () => {
  it('accepts "a@b.example" and { email, name }', () => {
    expect(AddressSchema.parse('ana@example.com')).toBe('ana@example.com');
    expect(AddressSchema.parse({ email: 'ana@example.com', name: 'Ana Müller' })).toEqual({
      email: 'ana@example.com',
      name: 'Ana Müller',
    });
  });

  it('refuses a missing email, a non-address and an over-long address', () => {
    expect(AddressSchema.safeParse({ name: 'Ana' }).success).toBe(false);
    expect(AddressSchema.safeParse('ana').success).toBe(false);
    expect(AddressSchema.safeParse(`${'a'.repeat(250)}@example.com`).success).toBe(false);
  });

  it('normalizes both forms to an object', () => {
    expect(normalizeAddress('a@example.com')).toEqual({ email: 'a@example.com' });
    expect(normalizeAddress({ email: 'a@example.com', name: 'A' })).toEqual({
      email: 'a@example.com',
      name: 'A',
    });
  });
});

describe('small schemas', () => {
  it('holds tenant ids to ^[a-z0-9][a-z0-9-]{1,62}$', () => {
    for (const ok of ['acme', 'globex', 'a1', '0-x', 'a'.repeat(63)])
      expect(TenantIdSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['a', '-acme', 'Acme', 'ac_me', 'a'.repeat(64), 'acme#1']) {
      expect(TenantIdSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('holds idempotency keys to 128 printable ASCII characters', () => {
    expect(IdempotencyKeySchema.safeParse('order-42').success).toBe(true);
    expect(IdempotencyKeySchema.safeParse('k'.repeat(129)).success).toBe(false);
    expect(IdempotencyKeySchema.safeParse('a b').success).toBe(false);
  });

  it('knows the contract’s scopes and statuses', () => {
    expect(ApiScopeSchema.options).toEqual(['send', 'read', 'admin']);
    expect(MESSAGE_STATUSES).toEqual(
      'queued sending sent delivered deferred bounced dropped complained failed rejected suppressed'.split(
        ' ',
      ),
    );
  });

  it('lists every recipient once, lower-cased', () => {
    expect(
      recipientEmails({ to: ['A@example.com'], cc: [{ email: 'a@example.com' }], bcc: ['b@example.com'] }),
    ).toEqual(['a@example.com', 'b@example.com']);
  });
});

describe('AttachmentUploadRequestSchema', () => {
  const upload = { filename: 'report.pdf', contentType: 'application/pdf', size: 1024 };

  it('accepts a filename, a media type and a size', () => {
    expect(AttachmentUploadRequestSchema.parse(upload)).toEqual(upload);
  });

  it('refuses a zero or fractional size, a bad content type and unknown keys', () => {
    for (const bad of [
      { ...upload, size: 0 },
      { ...upload, size: 1.5 },
      { ...upload, contentType: 'pdf' },
      { ...upload, contentType: 'text/plain; charset=utf-8' },
      { ...upload, key: 'x' },
    ]) {
      expect(() => parseOrThrow(AttachmentUploadRequestSchema, bad)).toThrow(ValidationError);
    }
  });

  it('answers 413 for a file larger than a 40 MB message can carry', () => {
    expect(() => parseOrThrow(AttachmentUploadRequestSchema, { ...upload, size: 30_000_001 })).toThrow(
      PayloadTooLargeError,
    );
  });
});

describe('validationDetails', () => {
  it('turns a ZodError into [{ path, message }] with readable paths', () => {
    const result = SendMailRequestSchema.safeParse({
      from: 'x',
      to: ['ok@example.com', { email: 'bad' }],
      subject: 's',
      text: 't',
      extra: true,
    });
    expect(result.success).toBe(false);
    expect(validationDetails(result.error!)).toEqual([
      { path: 'from', message: 'must be a valid email address' },
      { path: 'to[1].email', message: 'must be a valid email address' },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('uses an empty path for issues about the whole value', () => {
    const result = z.string().safeParse(1);
    expect(validationDetails(result.error!)).toEqual([{ path: '', message: expect.any(String) }]);
  });

  it('is what parseOrThrow puts on its ValidationError', () => {
    try {
      parseOrThrow(TenantIdSchema, 'Bad', 'Invalid tenant id');
      throw new Error('expected a throw');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toBe('Invalid tenant id');
      expect((err as ValidationError).details).toEqual([
        { path: '', message: expect.stringMatching(/2–63/) },
      ]);
    }
  });
});

describe('OpenAPI readiness', () => {
  it('turns SendMailRequestSchema into a JSON Schema with its id and no unknown keys allowed', () => {
    const schema = z.toJSONSchema(SendMailRequestSchema, { io: 'input', unrepresentable: 'any' }) as {
      $defs?: Record<string, { additionalProperties?: unknown; required?: string[] }>;
    };
    const def = schema.$defs?.['SendMailRequest'];
    expect(def?.additionalProperties).toBe(false);
    expect(def?.required).toEqual(expect.arrayContaining(['from', 'to', 'subject']));
  });
});
