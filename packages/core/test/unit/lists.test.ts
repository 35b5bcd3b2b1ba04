import { z } from 'zod';
import {
  ConfigError,
  CursorEnvSchema,
  cursorKeyIssues,
  Cursors,
  type CursorScope,
  listQuerySchema,
  parseEnv,
  parseOrThrow,
  ValidationError,
} from '../../src';
import { cursorKey } from '../../src/aws';

const KEY = 'k'.repeat(32);
const OTHER_KEY = 'o'.repeat(32);
const scope = (overrides: Partial<CursorScope> = {}): CursorScope => ({
  list: 'GET /v1/inbound',
  tenantId: 'acme',
  filters: { status: 'failed', recipient: undefined, since: '2026-12-01T00:00:00.000Z' },
  ...overrides,
});

/** The ValidationError `open` throws, for its message and details. */
async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(err)}`);
  return err;
}

describe('list query parameters', () => {
  const Schema = listQuerySchema({ status: z.enum(['failed', 'processed']).optional() });
  const parse = (query: Record<string, string>) => parseOrThrow(Schema, query, 'invalid query');

  it('defaults limit to 25 and takes 1 to 100, the cursor and the endpoint’s filters', () => {
    expect(parse({})).toEqual({ limit: 25 });
    expect(parse({ limit: '1', cursor: 'c', status: 'failed' })).toEqual({
      limit: 1,
      cursor: 'c',
      status: 'failed',
    });
    expect(parse({ limit: '100' })).toMatchObject({ limit: 100 });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ cursor: '' }, 'cursor'],
    [{ cursor: 'x'.repeat(1025) }, 'cursor'],
    [{ status: 'lost' }, 'status'],
    [{ page: '2' }, 'page'],
  ])('refuses %j with a 400 naming %s', (query, path) => {
    const err = (() => {
      try {
        parse(query);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).details?.map((d) => d.path)).toEqual([path]);
  });
});

describe('list cursors', () => {
  const cursors = new Cursors(async () => KEY);

  it('carries the store’s position back, opaque to the caller, and is null when nothing follows', async () => {
    const cursor = await cursors.next(scope(), '2026-12-03T10:00:00.000Z#01KBJ0000000000000000000AB');
    expect(cursor).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    await expect(cursors.open(scope(), cursor!)).resolves.toBe(
      '2026-12-03T10:00:00.000Z#01KBJ0000000000000000000AB',
    );
    await expect(cursors.next(scope(), undefined)).resolves.toBeNull();
  });

  it('binds filters whatever their order, ignoring absent ones', async () => {
    const cursor = await cursors.next(scope(), 'a.test');
    const reordered = scope({ filters: { since: '2026-12-01T00:00:00.000Z', status: 'failed' } });
    await expect(cursors.open(reordered, cursor!)).resolves.toBe('a.test');
  });

  it.each([
    ['garbage', 'not-a-cursor', /not a cursor this API issued/],
    ['another version', 'v2.eyJhIjoiYSJ9.' + 'A'.repeat(43), /not a cursor this API issued/],
    ['a cursor without its signature', 'v1.eyJhIjoiYSJ9', /not a cursor this API issued/],
  ])('refuses %s', async (_what, cursor, message) => {
    const err = await refusal(cursors.open(scope(), cursor));
    expect(err.message).toMatch(message);
    expect(err.details).toEqual([{ path: 'cursor', message: expect.stringMatching(message) }]);
  });

  it('refuses a truncated cursor', async () => {
    const cursor = (await cursors.next(scope(), 'a.test'))!;
    const [version, body, mac] = cursor.split('.') as [string, string, string];
    const truncated = [`${version}.${body.slice(0, -4)}.${mac}`, cursor.slice(0, -1), cursor.slice(0, 20)];
    for (const c of truncated) await expect(cursors.open(scope(), c)).rejects.toBeInstanceOf(ValidationError);
    expect((await refusal(cursors.open(scope(), truncated[0]!))).message).toMatch(/altered or truncated/);
  });

  it('refuses a cursor whose position was altered, even with a well-formed payload', async () => {
    const cursor = (await cursors.next(scope(), 'a.test'))!;
    const [, body, mac] = cursor.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { a: string };
    payload.a = 'z.test';
    const forged = `v1.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
    expect((await refusal(cursors.open(scope(), forged))).message).toMatch(/altered or truncated/);
  });

  it('refuses a signature that was altered', async () => {
    const cursor = (await cursors.next(scope(), 'a.test'))!;
    const flipped = cursor.slice(0, -2) + (cursor.at(-2) === 'A' ? 'B' : 'A') + cursor.at(-1);
    expect((await refusal(cursors.open(scope(), flipped))).message).toMatch(/altered or truncated/);
  });

  it('refuses a signature altered only in the unused bits of its last character', async () => {
    const cursor = (await cursors.next(scope(), 'a.test'))!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(cursor.at(-1)!);
    const sameBytes = cursor.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(sameBytes.split('.')[2]!, 'base64url')).toEqual(
      Buffer.from(cursor.split('.')[2]!, 'base64url'),
    );
    expect((await refusal(cursors.open(scope(), sameBytes))).message).toMatch(/altered or truncated/);
  });

  it('refuses a cursor signed with another key (forged, or from before a key rotation)', async () => {
    const forged = (await new Cursors(async () => OTHER_KEY).next(scope(), 'a.test'))!;
    expect((await refusal(cursors.open(scope(), forged))).message).toMatch(/altered or truncated/);
  });

  it('refuses a signed cursor whose payload is not one', async () => {
    // Only the key holder could make one; pinned so a bug in `next` cannot turn into a 500.
    const { createHmac } = await import('node:crypto');
    const body = Buffer.from('[1,2]').toString('base64url');
    const mac = createHmac('sha256', KEY).update(`cursor.v1.${body}`).digest('base64url');
    expect((await refusal(cursors.open(scope(), `v1.${body}.${mac}`))).message).toMatch(/unreadable/);
  });

  it("refuses another tenant's cursor", async () => {
    const cursor = (await cursors.next(scope({ tenantId: 'globex' }), 'a.test'))!;
    expect((await refusal(cursors.open(scope(), cursor))).message).toMatch(/another tenant/);
  });

  it.each([
    ['another filter value', { filters: { status: 'processed', since: '2026-12-01T00:00:00.000Z' } }],
    ['a filter dropped', { filters: { status: 'failed' } }],
    [
      'a filter added',
      { filters: { status: 'failed', since: '2026-12-01T00:00:00.000Z', recipient: 'a@b.c' } },
    ],
    ['another listing', { list: 'GET /v1/domains' }],
  ])('refuses a cursor issued for %s', async (_what, overrides) => {
    const cursor = (await cursors.next(scope(), 'a.test'))!;
    expect((await refusal(cursors.open(scope(overrides), cursor))).message).toMatch(/different query/);
  });
});

describe('the cursor key', () => {
  const ssm = (answer: () => Promise<unknown>) => {
    const calls: unknown[] = [];
    return {
      calls,
      send: jest.fn(async (command: { input: unknown }) => {
        calls.push(command.input);
        return answer();
      }),
    };
  };
  const notFound = () => Object.assign(new Error('nope'), { name: 'ParameterNotFound' });

  it('is read once from Parameter Store, decrypted, and kept', async () => {
    const client = ssm(async () => ({ Parameter: { Value: KEY } }));
    const key = cursorKey({ ssm: client as never, parameter: '/mailroom/prod/cursor-key' });
    await expect(key()).resolves.toBe(KEY);
    await expect(key()).resolves.toBe(KEY);
    expect(client.calls).toEqual([{ Name: '/mailroom/prod/cursor-key', WithDecryption: true }]);
  });

  it('is the local key when one is given, without asking Parameter Store', async () => {
    const client = ssm(async () => ({ Parameter: { Value: OTHER_KEY } }));
    await expect(cursorKey({ ssm: client as never, parameter: '/p', localKey: KEY })()).resolves.toBe(KEY);
    expect(client.calls).toEqual([]);
  });

  it('fails as a configuration error when unset, missing or too short, and tries again after a failed read', async () => {
    await expect(cursorKey({ ssm: ssm(async () => ({})) as never })()).rejects.toBeInstanceOf(ConfigError);
    const missing = cursorKey({ ssm: ssm(async () => Promise.reject(notFound())) as never, parameter: '/p' });
    await expect(missing()).rejects.toThrow(/does not exist/);
    const short = cursorKey({
      ssm: ssm(async () => ({ Parameter: { Value: 'short' } })) as never,
      parameter: '/p',
    });
    await expect(short()).rejects.toThrow(/at least 32 characters/);

    let answers = [Promise.reject(new Error('throttled')), Promise.resolve({ Parameter: { Value: KEY } })];
    answers[0]!.catch(() => undefined);
    const flaky = ssm(() => answers.shift()!);
    const key = cursorKey({ ssm: flaky as never, parameter: '/p' });
    await expect(key()).rejects.toThrow('throttled');
    await expect(key()).resolves.toBe(KEY);
    answers = [];
  });
});

describe('cursor key configuration', () => {
  const Schema = CursorEnvSchema.extend({ MAILROOM_STAGE: z.string() }).superRefine(cursorKeyIssues);

  it('takes a parameter name anywhere and the key itself only under the local cloud', () => {
    expect(
      parseEnv(Schema, {
        MAILROOM_STAGE: 'prod',
        MAILROOM_CURSOR_KEY_PARAMETER: '/mailroom/prod/cursor-key',
      }),
    ).toMatchObject({ MAILROOM_CURSOR_KEY_PARAMETER: '/mailroom/prod/cursor-key' });
    expect(parseEnv(Schema, { MAILROOM_STAGE: 'local', MAILROOM_CURSOR_KEY: KEY })).toMatchObject({
      MAILROOM_CURSOR_KEY: KEY,
    });
    expect(() => parseEnv(Schema, { MAILROOM_STAGE: 'prod', MAILROOM_CURSOR_KEY: KEY })).toThrow(
      /MAILROOM_CURSOR_KEY is invalid: is for the local cloud only/,
    );
    expect(() => parseEnv(Schema, { MAILROOM_STAGE: 'local', MAILROOM_CURSOR_KEY: 'short' })).toThrow(
      /at least 32 characters/,
    );
    expect(() =>
      parseEnv(Schema, { MAILROOM_STAGE: 'prod', MAILROOM_CURSOR_KEY_PARAMETER: 'cursor-key/' }),
    ).toThrow(/must start with \//);
  });
});
